package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The store failing under the server (issue item 12): a really full file system under SQLite (a small tmpfs,
 * mounted by the test, which runs as root in CI) and PostgreSQL stopped under a running server. Intake, the API and
 * the web UI answer 503 with Retry-After and the cause, never 500; /healthz and the setup page say degraded and why;
 * once the cause is gone the server is healthy again by itself and the refused batches land, each once.
 */
class StoreFaultsIT {
    @TempDir
    Path temp;

    @Test
    void aFullDiskAnswers503NamingItAndTheServerRecoversOnceSpaceIsFreed() throws Exception {
        Path disk = temp.resolve("disk");
        Files.createDirectories(disk);
        mount(disk, "24m");
        try {
            Path filler = disk.resolve("filler");
            List<String> refused = new ArrayList<>();
            List<String> accepted = new ArrayList<>();
            Path data = disk.resolve("data");
            try (VigilServer server =
                    VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
                TestClient client = new TestClient(server);
                String key = server.bootstrap().intakeKey();
                String session = client.login(
                        server.bootstrap().email(), server.bootstrap().password());
                assertThat(client.send(key, batch("before-full-0001", 50)).statusCode())
                        .isEqualTo(202);
                accepted.add("before-full-0001");
                fill(filler);
                // the write-ahead log reuses its space for a while; larger batches soon need more
                for (int i = 0; i < 60 && refused.size() < 3; i++) {
                    String id = String.format("while-full-%04d", i);
                    HttpResponse<String> answer = client.send(key, batch(id, 400));
                    assertThat(answer.statusCode())
                            .as("batch %s: %s", id, answer.body())
                            .isIn(202, 503);
                    if (answer.statusCode() == 503) {
                        refused.add(id);
                        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                        assertThat(answer.body()).contains("storage full", "disk is full", "free space");
                    } else {
                        accepted.add(id);
                    }
                }
                assertThat(refused).as("a full disk refuses batches").isNotEmpty();
                HttpResponse<String> health = client.get("/healthz", "");
                assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
                JsonNode degraded = TestClient.JSON.readTree(health.body());
                assertThat(degraded.path("status").asString()).isEqualTo("degraded");
                assertThat(degraded.path("reasons").toString()).contains("storage full", "disk is full");
                HttpResponse<String> setup = client.get("/setup", session);
                assertThat(setup.statusCode()).isEqualTo(200);
                assertThat(setup.body()).contains("degraded", "disk is full");

                Files.delete(filler);
                awaitHealthy(client);
                assertThat(client.get("/setup", session).body()).contains("id=\"status\"><span class=\"badge ok\"");
                for (String id : refused) {
                    HttpResponse<String> again = client.send(key, batch(id, 400));
                    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
                    accepted.add(id);
                }
                assertStoredOnce(server, accepted);
            }
        } finally {
            umount(disk);
        }
    }

    @Test
    void aDatabaseDownAnswers503NamingItAndTheServerReconnectsByItself() throws Exception {
        Path pgData = temp.resolve("pg");
        int port = freePort();
        EmbeddedPostgres postgres = postgres(pgData, port);
        List<String> accepted = new ArrayList<>();
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(
                        temp.resolve("data"),
                        "postgresql://postgres:postgres@localhost:" + port + "/postgres",
                        "127.0.0.1",
                        0),
                Clock.systemUTC())) {
            TestClient client = new TestClient(server);
            String key = server.bootstrap().intakeKey();
            String session =
                    client.login(server.bootstrap().email(), server.bootstrap().password());
            assertThat(client.send(key, batch("before-down-0001", 20)).statusCode())
                    .isEqualTo(202);
            accepted.add("before-down-0001");

            postgres.close(); // a fast shutdown: sessions end with 57P01, then nothing listens
            long started = System.nanoTime();
            HttpResponse<String> refused = client.send(key, batch("while-down-0001", 20));
            System.out.printf(
                    "intake answered %d in %d ms with the database down%n",
                    refused.statusCode(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("database unavailable", "check that PostgreSQL runs");
            HttpResponse<String> api = client.get("/api/v1/findings", session);
            assertThat(api.statusCode()).as(api.body()).isEqualTo(503);
            assertThat(api.body()).contains("database unavailable");
            HttpResponse<String> page = client.get("/setup", session);
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("<h1>Vigil is unavailable: database unavailable</h1>");
            HttpResponse<String> health = client.get("/healthz", "");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"degraded\"", "database unavailable");

            postgres = postgres(pgData, port);
            awaitHealthy(client);
            HttpResponse<String> back = client.send(key, batch("while-down-0001", 20));
            assertThat(back.statusCode()).as(back.body()).isEqualTo(202);
            accepted.add("while-down-0001");
            assertThat(client.get("/api/v1/findings", session).statusCode()).isEqualTo(200);
            assertStoredOnce(server, accepted);
        } finally {
            postgres.close();
        }
    }

    static EmbeddedPostgres postgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static byte[] batch(String id, int packages) throws Exception {
        String[] names = new String[packages];
        for (int i = 0; i < packages; i++) {
            names[i] = id + "-package-with-a-longer-name-" + i;
        }
        return TestClient.gzip(
                TestClient.batch(id, "agent-" + id, "host-" + id, "1.0.0", TestClient.debianHost(names)));
    }

    /** Writes until the file system refuses: ENOSPC. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full
        }
    }

    private static void awaitHealthy(TestClient client) throws Exception {
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> health = client.get("/healthz", "");
            if (health.statusCode() == 200) {
                assertThat(health.body()).contains("\"status\":\"ok\"");
                System.out.printf(
                        "healthy again %d ms after the cause was removed%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            }
            assertThat(System.nanoTime()).as("healthy again: %s", health.body()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void assertStoredOnce(VigilServer server, List<String> accepted) {
        for (String id : accepted) {
            long stored = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM batches WHERE batch_id = :id")
                            .bind("id", id)
                            .mapTo(Long.class)
                            .one());
            assertThat(stored).as("batch %s stored once", id).isEqualTo(1);
        }
    }

    static void mount(Path dir, String size) throws Exception {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(mount.getInputStream().readAllBytes());
        assertThat(mount.waitFor())
                .as("mounting a %s tmpfs for the full-disk test needs root: %s", size, output)
                .isZero();
    }

    static void umount(Path dir) throws Exception {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
    }
}
