package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server (SIGTERM's shutdown hook calls close) with batches in flight (issue item 13): every request
 * gets an answer, every batch answered 2xx is stored exactly once, and those refused land once when retried.
 */
class GracefulStopIT {
    @TempDir
    Path temp;

    // Before SqliteWriteGate, the batches waiting for the lock held both carriers in SQLite's native busy wait: the
    // other requests were never handled, and the slow-client sweeper closed their connections after 20 s.
    @Test
    void stoppingWithBatchesInFlightAnswersEveryRequestAndStoresEachAcknowledgedBatchOnce() throws Exception {
        Path data = temp.resolve("data");
        int concurrent = 16;
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        Map<String, Throwable> unanswered = new ConcurrentHashMap<>();
        List<byte[]> bodies = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            String id = String.format("in-flight-%04d", i);
            ids.add(id);
            String[] packages = new String[600];
            for (int p = 0; p < packages.length; p++) {
                packages[p] = "pkg-" + i + "-" + p;
            }
            bodies.add(TestClient.gzip(
                    TestClient.batch(id, "agent-" + id, "host-" + i, "1.0.0", TestClient.debianHost(packages))));
        }
        String key;
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            key = server.bootstrap().intakeKey();
            // another process holds the write lock, as a long transaction would
            Connection lock = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("server.db"));
            lock.setAutoCommit(false);
            try (var statement = lock.createStatement()) {
                statement.executeUpdate("UPDATE organizations SET name = name");
            }
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<Void>> requests = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                String id = ids.get(i);
                requests.add(http.sendAsync(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + server.port() + "/intake/v1/batches"))
                                        .timeout(Duration.ofSeconds(60))
                                        .header("Authorization", "Bearer " + key)
                                        .header("Content-Encoding", "gzip")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .handle((response, failure) -> {
                            if (failure != null) {
                                unanswered.put(id, failure);
                            } else {
                                answers.put(id, response.statusCode());
                            }
                            return null;
                        }));
            }
            // every request is in the handler, waiting for SQLite's write lock that another process holds
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // (intake reads at most 4 batches at once and answers others 503 after a short wait, so on a slow machine
            // some are answered before the last arrives: every request is either in the handler or answered)
            while (server.requestsInFlight() + answers.size() + unanswered.size() < concurrent
                    || server.requestsInFlight() == 0) {
                assertThat(System.nanoTime())
                        .as("all requests in flight or answered")
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
            // stop, as SIGTERM does, and let the store go on while the stop waits
            long started = System.nanoTime();
            Thread stopping = Thread.ofPlatform().start(server::close);
            Thread.sleep(500);
            assertThat(stopping.isAlive())
                    .as("the stop waits for the requests in flight")
                    .isTrue();
            lock.rollback();
            lock.close();
            stopping.join(TimeUnit.SECONDS.toMillis(60));
            System.out.printf(
                    "close() took %d ms with %d batches in flight%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), concurrent);
            CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        }
        System.out.println("answers: " + answers + ", unanswered: " + unanswered.keySet());
        assertThat(unanswered).as("requests without an answer").isEmpty();
        assertThat(answers).hasSize(concurrent);
        assertThat(answers.values())
                .as("every batch in flight was finished and stored, or refused with a retryable 503")
                .allMatch(status -> status == 202 || status == 503);
        List<String> acknowledged = new ArrayList<>();
        answers.forEach((id, status) -> {
            if (status == 202) {
                acknowledged.add(id);
            }
        });
        assertThat(acknowledged)
                .as("the batches in flight were finished, not dropped")
                .isNotEmpty();
        for (String id : ids) {
            long stored = stored(data, id);
            assertThat(stored)
                    .as("batch %s answered %s", id, answers.get(id))
                    .isEqualTo(acknowledged.contains(id) ? 1 : stored);
            assertThat(stored).isLessThanOrEqualTo(1);
        }
        // the agent retries what was refused: each lands once
        try (VigilServer again =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            TestClient client = new TestClient(again);
            for (int i = 0; i < concurrent; i++) {
                if (!acknowledged.contains(ids.get(i))) {
                    assertThat(client.send(key, bodies.get(i)).statusCode()).isIn(200, 202);
                }
            }
        }
        for (String id : ids) {
            assertThat(stored(data, id)).as("batch %s", id).isEqualTo(1);
        }
    }

    private static long storedAll(Path data) throws Exception {
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("server.db"));
                var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT COUNT(*) FROM batches")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long stored(Path data, String id) throws Exception {
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("server.db"));
                var statement = connection.prepareStatement("SELECT COUNT(*) FROM batches WHERE batch_id = ?")) {
            statement.setString(1, id);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
