package vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import vigil.spi.store.StoreError;

/** The store's codes found in real drivers' exceptions, wherever they are wrapped. */
class StoreErrorsTest {
    /**
     * Every code sqlite-jdbc knows is read as its name's family says (the rule this class had when it read names):
     * the numbers in {@link StoreError} are SQLite's.
     */
    @Test
    void everySqliteCodeOfTheDriverIsReadByItsNumber() {
        for (SQLiteErrorCode code : SQLiteErrorCode.values()) {
            String name = code.name();
            StoreError expected;
            if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE) {
                expected = StoreError.DUPLICATE_KEY;
            } else if (name.startsWith("SQLITE_CONSTRAINT")) {
                expected = StoreError.CONSTRAINT;
            } else if (code == SQLiteErrorCode.SQLITE_MISMATCH || code == SQLiteErrorCode.SQLITE_TOOBIG) {
                expected = StoreError.INVALID_DATA;
            } else if (code == SQLiteErrorCode.SQLITE_FULL) {
                expected = StoreError.FULL;
            } else if (name.startsWith("SQLITE_IOERR")
                    || name.startsWith("SQLITE_READONLY")
                    || name.startsWith("SQLITE_CANTOPEN")) {
                expected = StoreError.STORAGE_FAILING;
            } else if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
                expected = StoreError.BUSY;
            } else {
                expected = StoreError.OTHER;
            }
            assertThat(StoreErrors.classify(new RuntimeException(new SQLiteException("x", code))))
                    .as(name)
                    .contains(expected);
        }
    }

    @Test
    void theFirstKnownCodeInTheChainDecides() {
        assertThat(StoreErrors.classify(new IllegalStateException(
                        new RuntimeException(new SQLIntegrityConstraintViolationException("dup", "23505")))))
                .contains(StoreError.DUPLICATE_KEY);
        // a wrapper without a state does not hide the driver's code beneath it
        assertThat(StoreErrors.classify(new SQLException("wrapper", (String) null, new SQLException("x", "23505"))))
                .contains(StoreError.DUPLICATE_KEY);
        assertThat(StoreErrors.classify(new SQLException("syntax", "42601"))).contains(StoreError.OTHER);
        assertThat(StoreErrors.classify(new NullPointerException("a bug"))).isEmpty();
        assertThat(StoreErrors.fromTheStore(new NullPointerException("a bug"))).isFalse();
        assertThat(StoreErrors.refusedTheData(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)))
                .isFalse();
        assertThat(StoreErrors.refusedTheData(new SQLiteException("fk", SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY)))
                .isTrue();
    }
}
