package vigil.spi.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The codes as SQLite and PostgreSQL document them, each read into the kind of failure it is. */
class StoreErrorTest {
    @Test
    void sqliteExtendedResultCodes() {
        Map<Integer, StoreError> codes = Map.ofEntries(
                Map.entry(1555, StoreError.DUPLICATE_KEY), // CONSTRAINT_PRIMARYKEY
                Map.entry(2067, StoreError.DUPLICATE_KEY), // CONSTRAINT_UNIQUE
                Map.entry(19, StoreError.CONSTRAINT),
                Map.entry(787, StoreError.CONSTRAINT), // CONSTRAINT_FOREIGNKEY
                Map.entry(1299, StoreError.CONSTRAINT), // CONSTRAINT_NOTNULL
                Map.entry(275, StoreError.CONSTRAINT), // CONSTRAINT_CHECK
                Map.entry(20, StoreError.INVALID_DATA), // MISMATCH
                Map.entry(18, StoreError.INVALID_DATA), // TOOBIG
                Map.entry(13, StoreError.FULL),
                Map.entry(10, StoreError.STORAGE_FAILING), // IOERR
                Map.entry(778, StoreError.STORAGE_FAILING), // IOERR_WRITE
                Map.entry(8, StoreError.STORAGE_FAILING), // READONLY
                Map.entry(1032, StoreError.STORAGE_FAILING), // READONLY_DBMOVED
                Map.entry(14, StoreError.STORAGE_FAILING), // CANTOPEN
                Map.entry(5, StoreError.BUSY),
                Map.entry(261, StoreError.BUSY), // BUSY_RECOVERY
                Map.entry(6, StoreError.BUSY), // LOCKED
                Map.entry(262, StoreError.BUSY), // LOCKED_SHAREDCACHE
                Map.entry(1, StoreError.OTHER), // ERROR: a syntax error, a missing table
                Map.entry(11, StoreError.OTHER), // CORRUPT
                Map.entry(-1, StoreError.OTHER));
        codes.forEach((code, error) -> assertThat(StoreError.ofSqliteResultCode(code))
                .as("SQLite code %d", code)
                .isEqualTo(error));
    }

    @Test
    void postgresqlSqlStates() {
        Map<String, StoreError> states = Map.ofEntries(
                Map.entry("23505", StoreError.DUPLICATE_KEY),
                Map.entry("23503", StoreError.CONSTRAINT), // foreign key
                Map.entry("23502", StoreError.CONSTRAINT), // not null
                Map.entry("22001", StoreError.INVALID_DATA), // string too long
                Map.entry("22P02", StoreError.INVALID_DATA), // invalid text representation
                Map.entry("40001", StoreError.CONFLICT),
                Map.entry("40P01", StoreError.CONFLICT),
                Map.entry("53100", StoreError.FULL),
                Map.entry("53200", StoreError.OUT_OF_RESOURCES),
                Map.entry("53300", StoreError.OUT_OF_RESOURCES),
                Map.entry("08001", StoreError.UNAVAILABLE),
                Map.entry("08006", StoreError.UNAVAILABLE),
                Map.entry("57P01", StoreError.UNAVAILABLE),
                Map.entry("57P02", StoreError.UNAVAILABLE),
                Map.entry("57P03", StoreError.UNAVAILABLE),
                Map.entry("57014", StoreError.OTHER), // query cancelled
                Map.entry("42601", StoreError.OTHER), // syntax error
                Map.entry("23", StoreError.OTHER)); // not a state
        states.forEach((state, error) -> assertThat(StoreError.ofSqlState(state))
                .as("SQL state %s", state)
                .isEqualTo(error));
        assertThat(StoreError.ofSqlState(null)).isEqualTo(StoreError.OTHER);
    }

    @Test
    void aConnectionExceptionWithoutAStateIsUnavailableAndMessagesAreNeverRead() {
        assertThat(StoreError.ofSqlException(new SQLTransientConnectionException("pool timed out")))
                .isEqualTo(StoreError.UNAVAILABLE);
        assertThat(StoreError.ofSqlException(new SQLNonTransientConnectionException("closed")))
                .isEqualTo(StoreError.UNAVAILABLE);
        assertThat(StoreError.ofSqlException(new SQLException("[SQLITE_CONSTRAINT] UNIQUE constraint failed")))
                .as("a message that looks like a code is not one")
                .isEqualTo(StoreError.OTHER);
        assertThat(StoreError.ofSqlException(new SQLException("duplicate key value", "23505")))
                .isEqualTo(StoreError.DUPLICATE_KEY);
    }

    @Test
    void refusalsAreToldFromOutages() {
        for (StoreError error : StoreError.values()) {
            assertThat(error.refusesTheData() && error.unavailable())
                    .as("%s is a refusal or an outage, not both", error)
                    .isFalse();
        }
        assertThat(StoreError.DUPLICATE_KEY.refusesTheData()).isTrue();
        assertThat(StoreError.INVALID_DATA.refusesTheData()).isTrue();
        assertThat(StoreError.BUSY.unavailable()).isTrue();
        assertThat(StoreError.CONFLICT.refusesTheData() || StoreError.CONFLICT.unavailable())
                .isFalse();
        assertThat(StoreError.OTHER.refusesTheData() || StoreError.OTHER.unavailable())
                .isFalse();
    }
}
