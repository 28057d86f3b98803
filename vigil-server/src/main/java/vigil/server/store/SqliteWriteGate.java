package vigil.server.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite's transactions queue here, in Java, for the one write lock, instead of inside SQLite's busy handler.
 *
 * <p>Requests run on virtual threads, and a virtual thread waiting in native code (SQLite's busy handler sleeps
 * there) keeps its carrier: with as many carriers as cores, two batches waiting for the lock froze every other
 * request, even {@code /healthz}, until the wait gave up. A transaction (from {@code setAutoCommit(false)} until
 * autocommit is restored or the connection goes back to the pool) first takes the gate's one permit; a virtual thread
 * waiting for it frees its carrier. Only the holder can still wait natively, when another process holds the lock.
 * Statements in autocommit mode are not gated: they are reads (which WAL never blocks) or single short writes.
 */
final class SqliteWriteGate implements DataSource {
    private final DataSource pool;
    private final Semaphore gate = new Semaphore(1, true);
    private final Duration wait;

    SqliteWriteGate(DataSource pool, Duration wait) {
        this.pool = pool;
        this.wait = wait;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return gated(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return gated(pool.getConnection(username, password));
    }

    /** Transactions waiting for the gate now, for tests. */
    int waiting() {
        return gate.getQueueLength();
    }

    private Connection gated(Connection connection) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, new Gated(connection));
    }

    /** One pooled connection; holds the permit while a transaction is open on it. */
    private final class Gated implements InvocationHandler {
        private final Connection connection;
        private boolean holding;

        Gated(Connection connection) {
            this.connection = connection;
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            switch (method.getName()) {
                case "setAutoCommit" -> {
                    boolean autoCommit = (Boolean) java.util.Objects.requireNonNull(args)[0];
                    if (!autoCommit) {
                        begin();
                    } else {
                        try {
                            return call(method, args);
                        } finally {
                            end();
                        }
                    }
                }
                case "close" -> {
                    try {
                        return call(method, args);
                    } finally {
                        end();
                    }
                }
                case "unwrap", "isWrapperFor" -> {
                    return call(method, args);
                }
                case "equals" -> {
                    return args != null && proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                default -> {
                    return call(method, args);
                }
            }
            return null;
        }

        private void begin() throws SQLException {
            if (holding) {
                return;
            }
            boolean acquired;
            try {
                acquired = gate.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLiteException(
                        "interrupted while waiting for the store's write lock", SQLiteErrorCode.SQLITE_BUSY);
            }
            if (!acquired) {
                throw new SQLiteException(
                        "waited " + wait.toSeconds() + " s for the store's write lock behind other writers",
                        SQLiteErrorCode.SQLITE_BUSY);
            }
            holding = true;
            try {
                connection.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                end();
                throw e;
            }
        }

        private void end() {
            if (holding) {
                holding = false;
                gate.release();
            }
        }

        private @Nullable Object call(Method method, @Nullable Object[] args) throws Throwable {
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause() == null ? e : e.getCause();
            }
        }
    }

    @Override
    public @Nullable PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
