package vigil.server.store;

import java.sql.SQLException;
import java.util.Optional;
import org.sqlite.SQLiteException;
import vigil.spi.store.StoreError;

/**
 * Reads what kind of failure a store raised from its codes (SQL states, SQLite's extended result codes), never its
 * text: the codes are {@link StoreError}'s, this class only finds them in an exception's chain.
 */
public final class StoreErrors {
    private StoreErrors() {}

    /**
     * The store's error code in a failure's chain: the first SQLite exception decides (its extended code is the most
     * precise there is); of other SQL exceptions the first whose code is known, else {@link StoreError#OTHER}. Empty
     * when no SQL error is in the chain: the failure did not come from the store.
     */
    public static Optional<StoreError> classify(Throwable failure) {
        StoreError found = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException sqlite) {
                return Optional.of(StoreError.ofSqliteResultCode(sqlite.getResultCode().code));
            }
            if (t instanceof SQLException sql) {
                StoreError error = StoreError.ofSqlException(sql);
                if (error != StoreError.OTHER) {
                    return Optional.of(error);
                }
                found = StoreError.OTHER;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Whether the store refused the data itself (SQL states 22 and 23; SQLite's constraint, type and size errors), so
     * that retrying the same write cannot succeed; false for a connection, lock or disk problem, or no SQL error.
     */
    public static boolean refusedTheData(Throwable failure) {
        return classify(failure).map(StoreError::refusesTheData).orElse(false);
    }

    /** A primary or unique key refused a row: PostgreSQL's SQL state 23505, SQLite's constraint result codes. */
    public static boolean duplicateKey(Throwable failure) {
        return classify(failure).orElse(null) == StoreError.DUPLICATE_KEY;
    }

    /** Whether any SQL error is in the chain: false means the failure did not come from the store. */
    public static boolean fromTheStore(Throwable failure) {
        return classify(failure).isPresent();
    }
}
