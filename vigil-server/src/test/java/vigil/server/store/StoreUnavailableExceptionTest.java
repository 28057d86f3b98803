package vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which store failures are "unavailable, retry" (503) and which stay errors (500), wherever they are wrapped. */
class StoreUnavailableExceptionTest {
    private static StoreUnavailableException.Reason reason(Throwable failure) {
        return StoreUnavailableException.classify(failure).orElseThrow().reason();
    }

    private static RuntimeException wrapped(Throwable cause) {
        return new IllegalStateException("executing a statement failed", new RuntimeException(cause));
    }

    @Test
    void sqliteFailuresOfTheDiskAndLocksAreUnavailable() {
        StoreUnavailableException full = StoreUnavailableException.classify(wrapped(
                        new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL)))
                .orElseThrow();
        assertThat(full.reason()).isEqualTo(StoreUnavailableException.Reason.STORAGE_FULL);
        assertThat(full.advice()).contains("the server's disk is full", "free space", "the agent will retry");
        assertThat(reason(new SQLiteException("io", SQLiteErrorCode.SQLITE_IOERR_WRITE)))
                .isEqualTo(StoreUnavailableException.Reason.STORAGE_FAILING);
        assertThat(reason(new SQLiteException("ro", SQLiteErrorCode.SQLITE_READONLY)))
                .isEqualTo(StoreUnavailableException.Reason.STORAGE_FAILING);
        assertThat(reason(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)))
                .isEqualTo(StoreUnavailableException.Reason.DATABASE_BUSY);
    }

    @Test
    void postgresqlConnectionShutdownAndResourceFailuresAreUnavailable() {
        for (String state : new String[] {"08001", "08006", "57P01", "57P02", "57P03", "53300"}) {
            assertThat(reason(wrapped(new SQLException("x", state))))
                    .as(state)
                    .isEqualTo(StoreUnavailableException.Reason.DATABASE_UNAVAILABLE);
        }
        assertThat(reason(new SQLException("disk full", "53100")))
                .isEqualTo(StoreUnavailableException.Reason.STORAGE_FULL);
        // the pool's wait for a connection timed out
        assertThat(reason(wrapped(new SQLTransientConnectionException(
                        "vigil-store - Connection is not available, request timed out after 10000ms."))))
                .isEqualTo(StoreUnavailableException.Reason.DATABASE_UNAVAILABLE);
    }

    @Test
    void constraintsBugsAndDataErrorsStayErrors() {
        assertThat(StoreUnavailableException.classify(
                        wrapped(new SQLIntegrityConstraintViolationException("dup", "23505"))))
                .isEmpty();
        assertThat(StoreUnavailableException.classify(
                        new SQLiteException("[SQLITE_CONSTRAINT] UNIQUE", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))
                .isEmpty();
        assertThat(StoreUnavailableException.classify(new NullPointerException("a bug")))
                .isEmpty();
        assertThat(StoreUnavailableException.classify(new SQLException("syntax", "42601")))
                .isEmpty();
    }
}
