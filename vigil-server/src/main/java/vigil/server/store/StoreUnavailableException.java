package vigil.server.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.sqlite.SQLiteException;
import vigil.spi.store.StoreError;

/**
 * The store cannot take or serve a request now for a reason outside the request: a full disk, a database that is
 * restarting, down or out of connections, a lock held too long. Answered 503 with {@code Retry-After} and the cause
 * (the agent keeps its batch and retries), never 500: nothing is wrong with the request and nothing was stored.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, in words an operator acts on. */
    public enum Reason {
        STORAGE_FULL("storage full", Duration.ofSeconds(60)),
        STORAGE_FAILING("storage failing", Duration.ofSeconds(60)),
        DATABASE_BUSY("database busy", Duration.ofSeconds(5)),
        DATABASE_UNAVAILABLE("database unavailable", Duration.ofSeconds(10));

        private final String label;
        private final Duration retryAfter;

        Reason(String label, Duration retryAfter) {
            this.label = label;
            this.retryAfter = retryAfter;
        }

        public String label() {
            return label;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private final Reason reason;

    public StoreUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** What to tell the client: the cause and what to do, e.g. "the server's disk is full: free space ...". */
    public String advice() {
        return String.valueOf(getMessage());
    }

    /**
     * Classifies a failure of the store by its codes ({@link StoreErrors}): empty when it is not one of an unavailable
     * store (a bug, a constraint, bad data), which stays a 500.
     */
    public static Optional<StoreUnavailableException> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException known) {
                return Optional.of(known);
            }
        }
        StoreError error = StoreErrors.classify(failure).orElse(StoreError.OTHER);
        String code = code(failure);
        return Optional.ofNullable(
                switch (error) {
                    case FULL ->
                        new StoreUnavailableException(
                                Reason.STORAGE_FULL,
                                sqlite(failure)
                                        ? "the server's disk is full: free space on the server (the data directory's"
                                                + " file system); the agent will retry"
                                        : "the database server's disk is full: free space on the PostgreSQL server;"
                                                + " the agent will retry",
                                failure);
                    case STORAGE_FAILING ->
                        new StoreUnavailableException(
                                Reason.STORAGE_FAILING,
                                "the server's storage refuses writes (" + code + "): check the data directory's disk,"
                                        + " free space and permissions; the agent will retry",
                                failure);
                    case BUSY ->
                        new StoreUnavailableException(
                                Reason.DATABASE_BUSY,
                                "the store stayed locked longer than its 30 s wait (another process holds server.db?):"
                                        + " try again shortly; the agent will retry",
                                failure);
                    case OUT_OF_RESOURCES ->
                        new StoreUnavailableException(
                                Reason.DATABASE_UNAVAILABLE,
                                "the database lacks resources (SQL state " + code + ": out of memory or connections):"
                                        + " check the PostgreSQL server; the agent will retry",
                                failure);
                    case UNAVAILABLE ->
                        new StoreUnavailableException(
                                Reason.DATABASE_UNAVAILABLE,
                                "the database is unavailable (restarting, shut down or unreachable: "
                                        + (code.isEmpty() ? "no connection" : "SQL state " + code)
                                        + "): check that PostgreSQL runs and is reachable; the agent will retry",
                                failure);
                    default -> null;
                });
    }

    private static boolean sqlite(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException) {
                return true;
            }
        }
        return false;
    }

    /** The code that decided, for the message: SQLite's result code name, else the first SQL state in the chain. */
    private static String code(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                return sqlite.getResultCode().name();
            }
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && !StoreError.ofSqlState(sql.getSQLState()).equals(StoreError.OTHER)) {
                return sql.getSQLState();
            }
        }
        return "";
    }
}
