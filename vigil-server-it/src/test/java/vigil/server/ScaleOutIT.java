package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two stateless server instances on one PostgreSQL: agents send to either, retries land on the other, and every
 * batch is stored exactly once; what one instance stores the other serves.
 */
class ScaleOutIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    @Test
    void twoInstancesShareOneStoreAndStoreEachBatchOnce() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
            try (VigilServer a = VigilServer.start(
                            new VigilServer.Options(temp.resolve("a"), url, "127.0.0.1", 0), Clock.systemUTC());
                    VigilServer b = VigilServer.start(
                            new VigilServer.Options(temp.resolve("b"), url, "127.0.0.1", 0), Clock.systemUTC())) {
                VigilServer.Bootstrap first = a.bootstrap();
                assertThat(first)
                        .as("the first instance bootstraps the shared store")
                        .isNotNull();
                assertThat(b.bootstrap()).as("the second finds it bootstrapped").isNull();
                HttpClient http = HttpClient.newHttpClient();
                int batches = 200;
                AtomicInteger stored = new AtomicInteger();
                AtomicInteger duplicates = new AtomicInteger();
                List<Thread> agents = new ArrayList<>();
                for (int t = 0; t < 10; t++) {
                    int agent = t;
                    agents.add(Thread.ofVirtual().start(() -> {
                        for (int i = agent; i < batches; i += 10) {
                            // every batch goes to one instance, and its retry to the other
                            for (VigilServer target : i % 2 == 0 ? List.of(a, b) : List.of(b, a)) {
                                try {
                                    HttpResponse<String> response = http.send(
                                            HttpRequest.newBuilder(URI.create(
                                                            "http://127.0.0.1:" + target.port() + "/intake/v1/batches"))
                                                    .header("Authorization", "Bearer " + first.intakeKey())
                                                    .header("Content-Encoding", "gzip")
                                                    .POST(HttpRequest.BodyPublishers.ofByteArray(batch(i, agent)))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString());
                                    (response.statusCode() == 202 ? stored : duplicates).incrementAndGet();
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        }
                    }));
                }
                for (Thread agent : agents) {
                    agent.join();
                }
                assertThat(stored.get()).isEqualTo(batches);
                assertThat(duplicates.get()).isEqualTo(batches);
                long rows = a.database()
                        .jdbi()
                        .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM batches")
                                .mapTo(Long.class)
                                .one());
                assertThat(rows).isEqualTo(batches);
                String token = JSON.readTree(http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create("http://127.0.0.1:" + b.port() + "/api/v1/login"))
                                                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\""
                                                        + first.email() + "\",\"password\":\"" + first.password()
                                                        + "\"}"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body())
                        .path("token")
                        .asString();
                HttpResponse<String> agentsSeen = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/api/v1/agents"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(agentsSeen.statusCode())
                        .as("a session made on one instance works on the other")
                        .isEqualTo(200);
                assertThat(JSON.readTree(agentsSeen.body()).path("agents")).hasSize(10);
            }
        }
    }

    private static byte[] batch(int i, int agent) throws Exception {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", String.format("batch-%06d", i));
        ObjectNode node = batch.putObject("agent");
        node.put("id", String.format("agent-%04d", agent));
        node.put("hostname", "host-" + agent);
        node.put("version", "0.1.0");
        node.put("deployment", "linux");
        batch.putArray("inventories");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(JSON.writeValueAsBytes(batch));
        }
        return bytes.toByteArray();
    }
}
