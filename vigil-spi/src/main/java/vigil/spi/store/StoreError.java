package vigil.spi.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * What kind of failure a store raised, read from its codes (PostgreSQL's SQL states, SQLite's extended result
 * codes), never from its message text: a message may be translated, reworded between driver versions, or carry
 * user data that looks like a code.
 */
public enum StoreError {
    /** A primary or unique key refused a row (PostgreSQL 23505; SQLite CONSTRAINT_PRIMARYKEY, CONSTRAINT_UNIQUE). */
    DUPLICATE_KEY,
    /** Another constraint refused the row (SQL state class 23; SQLite's other CONSTRAINT codes). */
    CONSTRAINT,
    /** The data itself is wrong for its column (SQL state class 22; SQLite MISMATCH, TOOBIG). */
    INVALID_DATA,
    /** Two transactions collided and one was rolled back whole: run it again (PostgreSQL 40001, 40P01). */
    CONFLICT,
    /** The disk is full (PostgreSQL 53100; SQLite FULL). */
    FULL,
    /** The storage refuses reads or writes (SQLite IOERR, READONLY, CANTOPEN and their extended codes). */
    STORAGE_FAILING,
    /** The database stayed locked past its wait (SQLite BUSY, LOCKED and their extended codes). */
    BUSY,
    /** The database lacks memory or connections (SQL state class 53 but 53100). */
    OUT_OF_RESOURCES,
    /** The database is restarting, shut down or unreachable (class 08, 57P01-57P03, a connection exception). */
    UNAVAILABLE,
    /** An SQL error of no kind above (a syntax error, a missing table): a bug, not the data or an outage. */
    OTHER;

    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_TOOBIG = 18;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_MISMATCH = 20;
    private static final int SQLITE_CONSTRAINT_PRIMARYKEY = SQLITE_CONSTRAINT | (6 << 8);
    private static final int SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT | (8 << 8);

    /** The store refused the data itself: writing the same again cannot succeed. */
    public boolean refusesTheData() {
        return this == DUPLICATE_KEY || this == CONSTRAINT || this == INVALID_DATA;
    }

    /** The store cannot work now for a reason outside the request; it will be back (answered 503, retried). */
    public boolean unavailable() {
        return this == FULL
                || this == STORAGE_FAILING
                || this == BUSY
                || this == OUT_OF_RESOURCES
                || this == UNAVAILABLE;
    }

    /**
     * SQLite's result code as {@code SQLiteException.getResultCode().code} gives it: the primary code in the low
     * byte, the extended code's detail above it (SQLite's own numbering, stable across versions).
     */
    public static StoreError ofSqliteResultCode(int code) {
        if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
            return DUPLICATE_KEY;
        }
        return switch (code & 0xff) {
            case SQLITE_CONSTRAINT -> CONSTRAINT;
            case SQLITE_MISMATCH, SQLITE_TOOBIG -> INVALID_DATA;
            case SQLITE_FULL -> FULL;
            case SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN -> STORAGE_FAILING;
            case SQLITE_BUSY, SQLITE_LOCKED -> BUSY;
            default -> OTHER;
        };
    }

    /** An SQL state as PostgreSQL (and the SQL standard) sets it; null or unknown is {@link #OTHER}. */
    public static StoreError ofSqlState(@Nullable String state) {
        if (state == null || state.length() != 5) {
            return OTHER;
        }
        if (state.equals("23505")) {
            return DUPLICATE_KEY;
        }
        if (state.equals("53100")) {
            return FULL;
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return CONFLICT;
        }
        if (state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
            return UNAVAILABLE;
        }
        return switch (state.substring(0, 2)) {
            case "23" -> CONSTRAINT;
            case "22" -> INVALID_DATA;
            case "53" -> OUT_OF_RESOURCES;
            case "08" -> UNAVAILABLE;
            default -> OTHER;
        };
    }

    /**
     * A JDBC driver's exception other than SQLite's (whose extended code only its own exception type carries; see
     * {@link #ofSqliteResultCode}): its SQL state, else a connection exception's type says the database is away.
     */
    public static StoreError ofSqlException(SQLException sql) {
        StoreError byState = ofSqlState(sql.getSQLState());
        if (byState == OTHER
                && (sql instanceof SQLTransientConnectionException
                        || sql instanceof SQLNonTransientConnectionException
                        || sql instanceof SQLRecoverableException)) {
            return UNAVAILABLE;
        }
        return byState;
    }
}
