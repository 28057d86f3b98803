package vigil.server.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

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
     * Classifies a failure of the store: empty when it is not one of an unavailable store (a bug, a constraint,
     * bad data), which stays a 500.
     */
    public static Optional<StoreUnavailableException> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException known) {
                return Optional.of(known);
            }
            if (t instanceof SQLiteException sqlite) {
                return sqlite(sqlite.getResultCode(), failure);
            }
            if (t instanceof SQLException sql) {
                Optional<StoreUnavailableException> classified = sql(sql, failure);
                if (classified.isPresent()) {
                    return classified;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<StoreUnavailableException> sqlite(SQLiteErrorCode code, Throwable failure) {
        String name = code.name();
        if (code == SQLiteErrorCode.SQLITE_FULL) {
            return Optional.of(new StoreUnavailableException(
                    Reason.STORAGE_FULL,
                    "the server's disk is full: free space on the server (the data directory's file system);"
                            + " the agent will retry",
                    failure));
        }
        if (name.startsWith("SQLITE_IOERR")
                || name.startsWith("SQLITE_READONLY")
                || name.startsWith("SQLITE_CANTOPEN")) {
            return Optional.of(new StoreUnavailableException(
                    Reason.STORAGE_FAILING,
                    "the server's storage refuses writes (" + name + "): check the data directory's disk, free space"
                            + " and permissions; the agent will retry",
                    failure));
        }
        if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
            return Optional.of(new StoreUnavailableException(
                    Reason.DATABASE_BUSY,
                    "the store stayed locked longer than its 30 s wait (another process holds server.db?): try again"
                            + " shortly; the agent will retry",
                    failure));
        }
        return Optional.empty();
    }

    private static Optional<StoreUnavailableException> sql(SQLException sql, Throwable failure) {
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.equals("53100")) {
            return Optional.of(new StoreUnavailableException(
                    Reason.STORAGE_FULL,
                    "the database server's disk is full: free space on the PostgreSQL server; the agent will retry",
                    failure));
        }
        if (state.startsWith("53")) {
            return Optional.of(new StoreUnavailableException(
                    Reason.DATABASE_UNAVAILABLE,
                    "the database lacks resources (SQL state " + state + ": out of memory or connections): check the"
                            + " PostgreSQL server; the agent will retry",
                    failure));
        }
        if (state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03")
                || sql instanceof SQLTransientConnectionException
                || sql instanceof SQLNonTransientConnectionException
                || sql instanceof SQLRecoverableException) {
            return Optional.of(new StoreUnavailableException(
                    Reason.DATABASE_UNAVAILABLE,
                    "the database is unavailable (restarting, shut down or unreachable: "
                            + (state.isEmpty() ? "no connection" : "SQL state " + state)
                            + "): check that PostgreSQL runs and is reachable; the agent will retry",
                    failure));
        }
        return Optional.empty();
    }
}
