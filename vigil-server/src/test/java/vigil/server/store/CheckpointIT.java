package vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed pages reach the SQLite database file through the checkpointer thread, not through the committing
 * transaction: a write far below SQLite's own checkpoint threshold is copied out of the log within moments.
 */
class CheckpointIT {
    @TempDir
    Path temp;

    @Test
    void theCheckpointerCopiesCommittedPagesOutOfTheLog() throws Exception {
        try (Database database = Database.open(temp, null)) {
            Path file = temp.resolve("server.db");
            Path log = temp.resolve("server.db-wal");
            long before = Files.size(file);
            String value = "x".repeat(1900);
            // about 6 MB, a tenth of the pages after which SQLite would checkpoint on its own
            database.jdbi().useTransaction(handle -> {
                var batch = handle.prepareBatch("INSERT INTO settings (key, value) VALUES (:key, :value)");
                for (int i = 0; i < 3000; i++) {
                    batch.bind("key", "bulk-" + i).bind("value", value).add();
                }
                batch.execute();
            });
            assertThat(Files.size(log))
                    .as("the commit left its pages in the log")
                    .isGreaterThan(5_000_000L);
            // SQLite itself would not checkpoint this log: every pooled connection (four held at once) has the
            // backstop threshold, far above the 1,500 pages written
            List<org.jdbi.v3.core.Handle> handles = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    handles.add(database.jdbi().open());
                }
                for (var handle : handles) {
                    int pages = handle.createQuery("PRAGMA wal_autocheckpoint")
                            .mapTo(Integer.class)
                            .one();
                    assertThat(pages).isEqualTo(Database.WAL_BACKSTOP_PAGES);
                }
            } finally {
                handles.forEach(org.jdbi.v3.core.Handle::close);
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (Files.size(file) < before + 5_000_000L && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.size(file))
                    .as("pages copied into the database file")
                    .isGreaterThan(before + 5_000_000L);
        }
    }
}
