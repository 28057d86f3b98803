package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Keyset paging of the findings (an opaque cursor per page, offsets bounded) and exports that stream, on both stores.
 */
class FindingPagingIT {
    private static @Nullable EmbeddedPostgres postgres;

    @TempDir
    Path temp;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private @Nullable String url(String store) throws Exception {
        if (!store.equals("postgresql")) {
            return null;
        }
        String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
        try (var connection = postgres.getPostgresDatabase().getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        return "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + database;
    }

    private VigilServer start(String store, Path data) throws Exception {
        return start(data, url(store));
    }

    private VigilServer start(Path data, @Nullable String url) throws Exception {
        List<String> records = new ArrayList<>();
        List<String> vectors = List.of(TestAdvisories.CRITICAL, TestAdvisories.HIGH, TestAdvisories.LOW);
        for (int i = 0; i < 30; i++) {
            records.add(TestAdvisories.osv("CVE-2099-" + (3000 + i), "Debian:12", vectors.get(i % 3), "testpkg"));
        }
        TestAdvisories.install(data, temp, records);
        return VigilServer.start(new VigilServer.Options(data, url, "127.0.0.1", 0), Clock.systemUTC());
    }

    private static void sendHost(VigilServer server, TestClient client, int host) throws Exception {
        HttpResponse<String> sent = client.send(
                server.bootstrap().intakeKey(),
                TestClient.gzip(TestClient.batch(
                        UUID.randomUUID().toString(),
                        String.format("agent-%04d", host),
                        "host-" + host,
                        "0.1.0",
                        TestClient.debianHost("testpkg"))));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void cursorPagesReturnEveryFindingOnceWhileFindingsArrive(String store) throws Exception {
        try (VigilServer server = start(store, temp.resolve("data"))) {
            TestClient client = new TestClient(server);
            String token =
                    client.login(server.bootstrap().email(), server.bootstrap().password());
            for (int host = 0; host < 10; host++) {
                sendHost(server, client, host);
            }
            for (String statuses : List.of("status=open", "status=open,muted", "")) {
                JsonNode all = TestClient.JSON.readTree(client.get("/api/v1/findings?limit=1000&" + statuses, token)
                        .body());
                Set<String> before = new HashSet<>();
                all.path("findings").forEach(row -> before.add(row.path("id").asString()));
                assertThat(before).isNotEmpty();
                Map<String, Integer> seen = new HashMap<>();
                String cursor = null;
                int pages = 0;
                int host = 100 + 100 * statuses.length();
                do {
                    String path = "/api/v1/findings?limit=7&" + statuses
                            + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                    HttpResponse<String> answer = client.get(path, token);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    JsonNode page = TestClient.JSON.readTree(answer.body());
                    page.path("findings")
                            .forEach(row -> seen.merge(row.path("id").asString(), 1, Integer::sum));
                    cursor = page.path("next").isNull() || page.path("next").isMissingNode()
                            ? null
                            : page.path("next").asString();
                    if (pages % 5 == 0) {
                        sendHost(server, client, host++); // thirty new findings while paging
                    }
                } while (cursor != null && ++pages < 500);
                assertThat(seen.values()).as("no finding twice").allMatch(n -> n == 1);
                assertThat(seen.keySet())
                        .as("every finding there before paging")
                        .containsAll(before);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLargeOffsetIsRefusedInFavourOfTheCursor(String store) throws Exception {
        try (VigilServer server = start(store, temp.resolve("data"))) {
            TestClient client = new TestClient(server);
            String token =
                    client.login(server.bootstrap().email(), server.bootstrap().password());
            HttpResponse<String> answer = client.get("/api/v1/findings?limit=100&offset=500000", token);
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(TestClient.JSON.readTree(answer.body()).path("error").asString())
                    .contains("cursor");
            HttpResponse<String> bad = client.get("/api/v1/findings?cursor=not-a-cursor", token);
            assertThat(bad.statusCode()).isEqualTo(400);
        }
    }

    /**
     * An export of 60,000 findings of 3 KB each (180 MB as rows) by a JVM with a 64 MB heap: it streams, or it runs
     * out of memory.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anExportStreamsWithASmallHeap(String store) throws Exception {
        Path data = temp.resolve("data");
        String url = url(store);
        String org;
        try (VigilServer server = start(data, url)) {
            org = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM organizations")
                            .mapTo(String.class)
                            .one());
            String rows = server.database().isSqlite()
                    ? "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 60000) "
                    : "";
            String from = server.database().isSqlite() ? " FROM g" : " FROM generate_series(1, 60000) AS g(n)";
            server.database()
                    .jdbi()
                    .useHandle(h -> h.createUpdate(rows
                                    + "INSERT INTO findings (org_id, id, category, rule_id, title, severity,"
                                    + " severity_rank, status, resource_id, resource_type, resource_name, evidence,"
                                    + " remediation, first_seen, last_seen) SELECT :org, 'bulk-' || n, 'vulnerability',"
                                    + " 'CVE-2099-' || n, :title, 'HIGH', 3, 'open', 'host:bulk', 'host', 'bulk',"
                                    + " '{\"type\":\"attributes\",\"values\":{}}', :remediation, n, n" + from)
                            .bind("org", org)
                            .bind("title", "t".repeat(990))
                            .bind("remediation", "r".repeat(1990))
                            .execute());
        }
        for (String format : List.of("CSV", "JSON")) {
            ProcessBuilder child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx64m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            ExportMain.class.getName(),
                            data.toString(),
                            url == null ? "" : url,
                            org,
                            format)
                    .redirectErrorStream(true);
            Process process = child.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(output).isZero();
            long bytes =
                    Long.parseLong(output.strip().lines().reduce((a, b) -> b).orElse("0"));
            assertThat(bytes).as(format).isGreaterThan(60_000L * 1000);
        }
    }
}
