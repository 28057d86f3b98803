package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A scan's changes reach a rule's webhook as one delivery; a reopened finding says so and keeps its first sighting. */
class WebhookChangeSetsIT {
    @TempDir
    Path temp;

    @Test
    void oneDeliveryPerScanAndRuleAndReopenedFindingsKeepFirstSeen() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(TestClient.JSON.readTree(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Path data = temp.resolve("data");
        TestAdvisories.install(
                data,
                temp,
                List.of(
                        TestAdvisories.osv("CVE-2099-0201", "Debian:12", TestAdvisories.HIGH, "p1", "p2", "p3", "p4"),
                        TestAdvisories.osv("CVE-2099-0202", "Debian:12", TestAdvisories.HIGH, "p5", "p6", "p7")));
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0, null, Duration.ofMillis(100))
                        .withNetwork(vigil.server.net.NetworkOptions.defaults()
                                .withWebhookAllowed(List.of(vigil.server.net.Cidr.parse("127.0.0.0/8")))),
                Clock.systemUTC())) {
            TestClient client = new TestClient(server);
            String admin =
                    client.login(server.bootstrap().email(), server.bootstrap().password());
            HttpResponse<String> created = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(client.base() + "/api/v1/notification-rules"))
                                    .header("Authorization", "Bearer " + admin)
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"name\":\"all\",\"minSeverity\":\"low\",\"url\":\"http://127.0.0.1:"
                                                    + receiver.getAddress().getPort() + "/hook\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String key = server.bootstrap().intakeKey();

            send(client, key, "p1", "p2", "p3", "p4", "p5", "p6", "p7");
            awaitDeliveries(received, 1);
            assertThat(received)
                    .as("one delivery for the scan's seven new findings")
                    .hasSize(1);
            JsonNode first = received.getFirst();
            assertThat(first.path("changes")).hasSize(7);
            assertThat(first.path("changes").findValuesAsString("event")).containsOnly("finding.raised");
            JsonNode p1 = null;
            for (JsonNode change : first.path("changes")) {
                if (change.path("package").asString("").equals("p1")) {
                    p1 = change;
                }
            }
            assertThat(p1).as(first.toString()).isNotNull();

            send(client, key, "p2", "p3", "p4", "p5", "p6", "p7"); // p1's finding resolves: nothing is sent
            Thread.sleep(300);
            send(client, key, "p1", "p2", "p3", "p4", "p5", "p6", "p7"); // and reopens
            awaitDeliveries(received, 2);
            assertThat(received).hasSize(2);
            JsonNode reopened = received.get(1).path("changes");
            assertThat(reopened).hasSize(1);
            assertThat(reopened.get(0).path("event").asString()).isEqualTo("finding.reopened");
            assertThat(reopened.get(0).path("id").asString())
                    .isEqualTo(p1.path("id").asString());
            assertThat(reopened.get(0).path("firstSeen").asString())
                    .isEqualTo(p1.path("firstSeen").asString());
        } finally {
            receiver.stop(0);
        }
    }

    private static void send(TestClient client, String key, String... packages) throws Exception {
        HttpResponse<String> sent = client.send(
                key,
                TestClient.gzip(TestClient.batch(
                        UUID.randomUUID().toString(),
                        "agent-hooks",
                        "web-9",
                        "0.1.0",
                        TestClient.debianHost(packages))));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
    }

    /** Waits for {@code count} deliveries, then a little longer: a wrongly split change set would arrive by then. */
    private static void awaitDeliveries(List<JsonNode> received, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1000);
    }
}
