package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Misconfigurations wing through the server as it ships, on SQLite and PostgreSQL (ADR 0054): a host's posture
 * section stores every verdict and its failures as findings; the host's next scan replaces them, resolving what now
 * passes; the API's rules, verdicts and scans; a malformed verdict refused with 400 naming it; the pages in Chromium.
 */
class MisconfigurationsIT {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static @Nullable EmbeddedPostgres postgres;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base = "";

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

    private VigilServer start(String store) throws Exception {
        String url = null;
        if (store.equals("postgresql") && postgres != null) {
            String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
            try (var connection = postgres.getPostgresDatabase().getConnection();
                    var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
            url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + database;
        }
        VigilServer server = VigilServer.start(
                new VigilServer.Options(temp.resolve("data"), url, "127.0.0.1", 0), Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
        return server;
    }

    /** One verdict as docs/posture-results.md shows it. */
    static ObjectNode verdict(String rule, String status, String severity, String resource) {
        ObjectNode verdict = JSON.createObjectNode()
                .put("rule_id", rule)
                .put("title", "Title of " + rule)
                .put("severity", severity)
                .put("status", status)
                .put("expected", "mode 640 or stricter")
                .put("remediation", "chmod 640 " + resource);
        verdict.putObject("resource")
                .put("type", "linux_file")
                .put("id", "web-1:" + resource)
                .put("name", resource);
        verdict.putArray("evidence").addObject().put("field", "mode").put("value", "420");
        verdict.putArray("controls").add("cis-debian-11:7.1.5");
        return verdict;
    }

    /** A version 2 batch from {@code agent} with one posture section of {@code verdicts}. */
    static byte[] batch(String batchId, String agent, ObjectNode... verdicts) throws Exception {
        ObjectNode batch = JSON.createObjectNode().put("batchId", batchId);
        batch.putObject("source").put("kind", "agent").put("id", agent);
        ObjectNode agentNode = batch.putObject("agent")
                .put("id", agent)
                .put("hostname", "web-1")
                .put("version", "0.1.0")
                .put("deployment", "linux");
        agentNode.putObject("facts");
        agentNode.putArray("capabilities");
        ObjectNode section = batch.putArray("sections")
                .addObject()
                .put("type", "posture")
                .put("scope", "host")
                .put("benchmark", "linux")
                .put("scanned_at", 1_796_000_000_000L);
        ArrayNode results = section.putArray("results");
        for (ObjectNode verdict : verdicts) {
            results.add(verdict);
        }
        section.putArray("notes").add("loaded kernel modules could not be read: /proc/modules");
        return ThreatSignalsIT.gzip(JSON.writeValueAsBytes(batch));
    }

    private HttpResponse<String> intake(String key, byte[] batch) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/intake/v1/batches"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(batch))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String login(VigilServer.Bootstrap first) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/login"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + first.email() + "\",\"password\":\"" + first.password() + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asString();
    }

    private static long count(VigilServer server, String sql) {
        return server.database()
                .jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aHostsScanReplacesItsVerdictsAndResolvesWhatNowPasses(String store) throws Exception {
        try (VigilServer server = start(store)) {
            VigilServer.Bootstrap first = server.bootstrap();
            assertThat(first).isNotNull();
            String key = first.intakeKey();
            String admin = login(first);

            HttpResponse<String> one = intake(
                    key,
                    batch(
                            "batch-posture-0001",
                            "agent-web-0001",
                            verdict("vigil-linux-file-etc-shadow-permissions", "fail", "high", "/etc/shadow"),
                            verdict("vigil-linux-file-etc-passwd-permissions", "pass", "medium", "/etc/passwd"),
                            verdict("vigil-linux-sshd-permitrootlogin", "fail", "high", "/etc/ssh/sshd_config")));
            assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
            assertThat(count(
                            server,
                            "SELECT COUNT(*) FROM findings WHERE category = 'misconfiguration' AND"
                                    + " resolved_at IS NULL"))
                    .isEqualTo(2);
            assertThat(count(server, "SELECT COUNT(*) FROM posture_results")).isEqualTo(3);

            JsonNode rules = get("/api/v1/misconfigurations/rules", admin);
            assertThat(rules.path("rules").size()).isEqualTo(3);
            assertThat(rules.path("rules").get(0).path("failed").asInt()).isEqualTo(1);
            JsonNode failed = get("/api/v1/misconfigurations/verdicts?status=fail", admin);
            assertThat(failed.path("verdicts").size()).isEqualTo(2);
            assertThat(failed.path("verdicts").get(0).path("finding_id").asString())
                    .isNotEmpty();
            JsonNode scans = get("/api/v1/misconfigurations/scans", admin);
            assertThat(scans.path("scans").get(0).path("host").asString()).isEqualTo("web-1");
            assertThat(scans.path("scans").get(0).path("failed").asInt()).isEqualTo(2);
            // the finding carries the posture evidence
            JsonNode findings = get("/api/v1/findings?category=misconfiguration", admin);
            assertThat(findings.toString()).contains("vigil-linux-file-etc-shadow-permissions");

            // the next scan: root login is now disabled, /etc/shadow still fails
            HttpResponse<String> two = intake(
                    key,
                    batch(
                            "batch-posture-0002",
                            "agent-web-0001",
                            verdict("vigil-linux-file-etc-shadow-permissions", "fail", "high", "/etc/shadow"),
                            verdict("vigil-linux-file-etc-passwd-permissions", "pass", "medium", "/etc/passwd"),
                            verdict("vigil-linux-sshd-permitrootlogin", "pass", "high", "/etc/ssh/sshd_config")));
            assertThat(two.statusCode()).as(two.body()).isEqualTo(202);
            assertThat(count(
                            server,
                            "SELECT COUNT(*) FROM findings WHERE category = 'misconfiguration' AND"
                                    + " resolved_at IS NULL"))
                    .isEqualTo(1);
            assertThat(count(
                            server,
                            "SELECT COUNT(*) FROM findings WHERE category = 'misconfiguration' AND"
                                    + " resolved_at IS NOT NULL"))
                    .isEqualTo(1);
            assertThat(count(server, "SELECT COUNT(*) FROM posture_results WHERE status = 'fail'"))
                    .isEqualTo(1);
            assertThat(count(server, "SELECT COUNT(*) FROM posture_scans")).isEqualTo(2);

            // a verdict the server cannot read refuses the batch, naming it
            ObjectNode bad = verdict("vigil-linux-x", "maybe", "high", "/etc/x");
            HttpResponse<String> refused = intake(key, batch("batch-posture-0003", "agent-web-0001", bad));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("posture section 0, result 0").contains("\"status\"");
            assertThat(count(server, "SELECT COUNT(*) FROM posture_scans")).isEqualTo(2);
        }
    }

    @Test
    void thePagesShowTheEmptyStateThenRulesAndOneRulesVerdicts() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        try (VigilServer server = start("sqlite");
                Playwright playwright = Playwright.create(
                        new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = playwright
                        .chromium()
                        .launch(new BrowserType.LaunchOptions()
                                .setExecutablePath(Path.of("/usr/bin/chromium"))
                                .setHeadless(true)
                                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--no-first-run")))) {
            VigilServer.Bootstrap first = server.bootstrap();
            Page page = browser.newPage();
            List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.onConsoleMessage(message -> {
                if (message.text().contains("Content Security Policy")) {
                    violations.add(message.text());
                }
            });
            page.navigate(base + "/misconfigurations");
            page.fill("input[name=email]", first.email());
            page.fill("input[name=password]", first.password());
            page.click("button[type=submit]");
            page.waitForURL(base + "/misconfigurations");
            assertThat(page.textContent("#no-scans"))
                    .contains("No host has sent")
                    .contains("not a clean result");

            HttpResponse<String> sent = intake(
                    first.intakeKey(),
                    batch(
                            "batch-posture-ui-1",
                            "agent-ui-00001",
                            verdict("vigil-linux-file-etc-shadow-permissions", "fail", "high", "/etc/shadow"),
                            verdict("vigil-linux-file-etc-passwd-permissions", "pass", "medium", "/etc/passwd")));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            page.click("header nav >> text=Misconfigurations");
            page.waitForURL(url -> url.endsWith("/misconfigurations"));
            assertThat(page.locator("#scans tbody tr").count()).isEqualTo(1);
            assertThat(page.locator("#rules tbody tr").count()).isEqualTo(2);
            assertThat(page.textContent("#scans")).contains("web-1").contains("/proc/modules");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("misconfigurations-01-rules.png"))
                    .setFullPage(true));
            page.click("#rules a >> text=Title of vigil-linux-file-etc-shadow-permissions");
            page.waitForURL(url -> url.contains("/misconfigurations/rules/"));
            assertThat(page.locator("#verdicts tr.verdict[data-status=fail]").count())
                    .isEqualTo(1);
            assertThat(page.textContent("#verdicts")).contains("/etc/shadow").contains("cis-debian-11:7.1.5");
            page.click("#verdicts a >> text=open");
            page.waitForURL(url -> url.contains("/findings?"));
            assertThat(page.content()).contains("vigil-linux-file-etc-shadow-permissions");
            page.navigate(base + "/misconfigurations/rules/no-such-rule");
            assertThat(page.content()).contains("No host has a verdict of rule no-such-rule");
            assertThat(violations).isEmpty();
        }
    }
}
