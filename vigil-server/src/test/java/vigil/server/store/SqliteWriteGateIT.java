package vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions waiting for SQLite's write lock wait in Java: on virtual threads (as requests run) they leave the
 * carriers free, so other work goes on while another process holds the lock, and each lands once it is released.
 */
class SqliteWriteGateIT {
    @TempDir
    Path temp;

    @Test
    void writersWaitingForTheLockLeaveVirtualThreadsRunningAndAllCommitOnceItIsReleased() throws Exception {
        try (Database database = Database.open(temp, null)) {
            database.jdbi().useHandle(handle -> handle.execute("CREATE TABLE gate_test (id INTEGER PRIMARY KEY)"));
            Connection lock = DriverManager.getConnection("jdbc:sqlite:" + temp.resolve("server.db"));
            lock.setAutoCommit(false);
            try (var statement = lock.createStatement()) {
                statement.executeUpdate("INSERT INTO gate_test (id) VALUES (0)");
            }
            int writers = 4 * Runtime.getRuntime().availableProcessors() + 4;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<CompletableFuture<Void>> writes = new ArrayList<>();
                for (int i = 1; i <= writers; i++) {
                    int id = i;
                    writes.add(CompletableFuture.runAsync(
                            () -> database.jdbi()
                                    .useTransaction(
                                            handle -> handle.execute("INSERT INTO gate_test (id) VALUES (?)", id)),
                            threads));
                }
                SqliteWriteGate gate = (SqliteWriteGate) database.connections();
                // the pool has 4 connections: 3 of their transactions queue at the gate, the others for a connection
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (gate.waiting() < 3) {
                    assertThat(System.nanoTime())
                            .as("writers queued at the gate")
                            .isLessThan(deadline);
                    Thread.sleep(10);
                }
                // with every writer waiting, virtual threads still get a carrier (before the gate: none did)
                for (int round = 0; round < 2 * Runtime.getRuntime().availableProcessors(); round++) {
                    assertThat(CompletableFuture.supplyAsync(() -> "ran", threads)
                                    .get(10, TimeUnit.SECONDS))
                            .isEqualTo("ran");
                }
                assertThat(writes).noneMatch(CompletableFuture::isDone);
                lock.rollback();
                lock.close();
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
            }
            int stored = database.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT count(*) FROM gate_test")
                            .mapTo(Integer.class)
                            .one());
            assertThat(stored).isEqualTo(writers);
        }
    }
}
