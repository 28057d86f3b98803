package vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new SQLite store gets 16 KiB pages (ADR 0041); a store made before keeps its pages and opens as before. */
class PageSizeIT {
    @TempDir
    Path temp;

    @Test
    void aNewStoreHasSixteenKibPagesInWalMode() throws Exception {
        try (Database database = Database.open(temp, null)) {
            assertThat(pragma(database, "page_size")).isEqualTo(String.valueOf(Database.PAGE_SIZE));
            assertThat(pragma(database, "journal_mode")).isEqualTo("wal");
        }
    }

    @Test
    void anExistingStoreKeepsItsPageSize() throws Exception {
        // a store as earlier versions began it: WAL set first, which writes the header with SQLite's default size
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + temp.resolve("server.db"));
                var statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
        }
        try (Database database = Database.open(temp, null)) {
            assertThat(pragma(database, "page_size")).isEqualTo("4096");
            Long findings = database.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM findings")
                            .mapTo(Long.class)
                            .one());
            assertThat(findings).isZero();
        }
    }

    private static String pragma(Database database, String name) {
        return database.jdbi()
                .withHandle(handle ->
                        handle.createQuery("PRAGMA " + name).mapTo(String.class).one());
    }
}
