package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/** Notification rules against a local receiver that fails twice before it accepts. */
class NotificationsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    @Test
    void raisedFindingsReachTheMatchingRulesTargetsWithRetries() throws Exception {
        List<String> webhook = new CopyOnWriteArrayList<>();
        List<String> slack = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int attempt = attempts.incrementAndGet();
            if (attempt <= 2) {
                exchange.sendResponseHeaders(500, -1);
            } else {
                webhook.add(body);
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.createContext("/slack", exchange -> {
            slack.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Path data = temp.resolve("data");
        Path advisory = temp.resolve("a.json");
        Files.writeString(advisory, """
                {"id": "DEBIAN-CVE-2099-0003", "modified": "2099-01-01T00:00:00Z", "details": "flaw",
                 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "testpkg"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0-1"}]}]}]}
                """);
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(advisory), false, vigil.model.ProgressListener.NONE);
        String hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0, null, Duration.ofMillis(100))
                        .withNetwork(vigil.server.net.NetworkOptions.defaults()
                                .withWebhookAllowed(List.of(vigil.server.net.Cidr.parse("127.0.0.0/8")))),
                Clock.systemUTC())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            VigilServer.Bootstrap first = server.bootstrap();
            String admin = new TestClient(server).login(first.email(), first.password());
            for (String rule : List.of(
                    "{\"name\":\"critical to webhook\",\"minSeverity\":\"critical\",\"url\":\"" + hooks + "/hook\"}",
                    "{\"name\":\"web-1 to slack\",\"resource\":\"web-1\",\"kind\":\"slack\",\"url\":\"" + hooks
                            + "/slack\"}",
                    "{\"name\":\"posture only\",\"category\":\"misconfiguration\",\"minSeverity\":\"low\","
                            + "\"kind\":\"slack\",\"url\":\"" + hooks + "/slack\"}")) {
                HttpResponse<String> created = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/notification-rules"))
                                .header("Authorization", "Bearer " + admin)
                                .POST(HttpRequest.BodyPublishers.ofString(rule))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            }
            JsonNode rules = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create(base + "/api/v1/notification-rules"))
                                    .header("Authorization", "Bearer " + admin)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            assertThat(rules.path("rules").toString()).doesNotContain("/hook").contains("127.0.0.1");

            HttpResponse<String> batch = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/intake/v1/batches"))
                            .header("Authorization", "Bearer " + first.intakeKey())
                            .header("Content-Encoding", "gzip")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(batch()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (webhook.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(webhook).hasSize(1);
            assertThat(attempts.get()).as("two failures, then delivered").isEqualTo(3);
            JsonNode delivery = JSON.readTree(webhook.getFirst());
            assertThat(delivery.path("event").asString()).isEqualTo("findings.changed");
            assertThat(delivery.path("changes")).hasSize(1);
            JsonNode message = delivery.path("changes").get(0);
            assertThat(message.path("event").asString()).isEqualTo("finding.raised");
            assertThat(message.path("rule").asString()).isEqualTo("CVE-2099-0003");
            assertThat(message.path("severity").asString()).isEqualTo("critical");
            assertThat(message.path("resourceName").asString()).isEqualTo("web-1");
            while (slack.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(500); // a wrongly matching rule would have been delivered by now too
            assertThat(slack)
                    .as("one Slack message: the posture-only rule does not match")
                    .hasSize(1);
            assertThat(JSON.readTree(slack.getFirst()).path("text").asString())
                    .isEqualTo("*CRITICAL* CVE-2099-0003 on web-1: flaw");
            String stored = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT target FROM notification_rules")
                            .mapTo(String.class)
                            .list()
                            .toString());
            assertThat(stored)
                    .as("targets are encrypted at rest")
                    .doesNotContain("127.0.0.1")
                    .contains("v1:");
        } finally {
            receiver.stop(0);
        }
    }

    private static byte[] batch() throws Exception {
        return TestClient.gzip(TestClient.batch(
                UUID.randomUUID().toString(), "agent-0009-test", "web-1", "0.1.0", TestClient.debianHost("testpkg")));
    }
}
