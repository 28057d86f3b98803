package vigil.server.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Reads what kind of failure a store raised from its codes (SQL states, SQLite result codes), never its text. */
public final class StoreErrors {
    private StoreErrors() {}

    /**
     * Whether the store refused the data itself (SQL states 22 and 23; SQLite's constraint, type and size errors), so
     * that retrying the same write cannot succeed; false for a connection, lock or disk problem, or no SQL error.
     */
    public static boolean refusedTheData(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                SQLiteErrorCode code = sqlite.getResultCode();
                return code.name().startsWith("SQLITE_CONSTRAINT")
                        || code == SQLiteErrorCode.SQLITE_MISMATCH
                        || code == SQLiteErrorCode.SQLITE_TOOBIG;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state != null && (state.startsWith("22") || state.startsWith("23"));
            }
        }
        return false;
    }

    /** A primary or unique key refused a row: PostgreSQL's SQL state 23505, SQLite's constraint result codes. */
    public static boolean duplicateKey(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                return sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                        || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return "23505".equals(sql.getSQLState());
            }
        }
        return false;
    }

    /** Whether any SQL error is in the chain: false means the failure did not come from the store. */
    public static boolean fromTheStore(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
