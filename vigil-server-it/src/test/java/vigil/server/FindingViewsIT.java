package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The findings page, its filters and charts, the grouped views and unknown routes, over real HTTP on one server:
 * host deb-1 has 512 vulnerabilities (20 of them low), host deb-2 one.
 */
class FindingViewsIT {
    @TempDir
    static Path temp;

    private static @Nullable VigilServer server;
    private static @Nullable TestClient client;
    private static String token = "";

    @BeforeAll
    static void start() throws Exception {
        Path data = temp.resolve("data");
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 510; i++) {
            records.add(TestAdvisories.osv(
                    "CVE-2099-" + (10000 + i),
                    "Debian:12",
                    i < 490 ? TestAdvisories.HIGH : TestAdvisories.LOW,
                    "testpkg"));
        }
        records.add(TestAdvisories.osv("CVE-2099-20000", "Debian:12", TestAdvisories.CRITICAL, "libc6"));
        records.add(TestAdvisories.osv("CVE-2099-20001", "Debian:12", TestAdvisories.HIGH, "libc6-dev"));
        TestAdvisories.install(data, temp, records);
        server = VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC());
        client = new TestClient(server);
        token = client.login(server.bootstrap().email(), server.bootstrap().password());
        String key = server.bootstrap().intakeKey();
        for (var host : List.of(
                List.of("agent-0001", "deb-1", "testpkg", "libc6", "libc6-dev"),
                List.of("agent-0002", "deb-2", "libc6"))) {
            byte[] batch = TestClient.gzip(TestClient.batch(
                    UUID.randomUUID().toString(),
                    host.get(0),
                    host.get(1),
                    "0.1.0",
                    TestClient.debianHost(host.subList(2, host.size()).toArray(String[]::new))));
            HttpResponse<String> sent = client.send(key, batch);
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.get(path, token);
    }

    @Test
    void everyVulnerabilityIsReachablePageByPageWithItsTotal() throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        String path = "/vulnerabilities?by=cve";
        boolean low = false;
        int pages = 0;
        while (path != null && pages++ < 20) {
            String html = get(path).body();
            assertThat(html).contains("of 512");
            keys.addAll(groupKeys(html));
            low |= html.contains("data-severity=\"LOW\"") || html.contains(">LOW<");
            Matcher next = Pattern.compile("<a rel=\"next\" href=\"([^\"]+)\"").matcher(html);
            path = next.find() ? next.group(1).replace("&amp;", "&") : null;
        }
        assertThat(keys).hasSize(512);
        assertThat(low).as("the low ones are reached").isTrue();
    }

    @Test
    void aPackagesDrillDownCountsWhatItsRowCounts() throws Exception {
        String html = get("/vulnerabilities?by=package").body();
        int at = html.indexOf(">libc6<");
        String row = html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
        assertThat(row).contains("<td>2</td>");
        Matcher link = Pattern.compile("href=\"([^\"]+)\"").matcher(row);
        assertThat(link.find()).isTrue();
        String drill = get(link.group(1).replace("&amp;", "&")).body();
        assertThat(drill).contains("<p id=\"total\">2 findings");
    }

    @Test
    void theSeverityChartFollowsEveryFilter() throws Exception {
        String html = get("/findings?resource=deb-2").body();
        assertThat(bar(html, "CRITICAL")).isEqualTo(1);
        assertThat(bar(html, "HIGH")).isZero();
        html = get("/findings?severity=low").body();
        assertThat(bar(html, "LOW")).isEqualTo(20);
        assertThat(bar(html, "HIGH")).isZero();
    }

    @Test
    void listsOfSeveritiesAndStatusesFilterInTheApiAndThePage() throws Exception {
        String html = get("/findings?severity=critical,high").body();
        assertThat(html).contains("<p id=\"total\">493 findings");
        JsonNode api = TestClient.JSON.readTree(
                get("/api/v1/findings?severity=critical,high&status=open,muted").body());
        assertThat(api.path("total").asLong()).isEqualTo(493);
        html = get("/findings?status=open,muted").body();
        assertThat(html).contains("<p id=\"total\">513 findings");
    }

    @Test
    void aWrongFilterAnswersItsErrorNotAList() throws Exception {
        for (String path : List.of("/findings?severity=bogus", "/findings?status=bogus")) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(400);
            assertThat(page.body()).as(path).contains("bogus").doesNotContain("id=\"findings\"");
            assertThat(page.body()).doesNotContain("(bogus)");
        }
    }

    @Test
    void aPagePastTheEndSaysSoAndLinksBack() throws Exception {
        String html = get("/findings?status=all&offset=900").body();
        assertThat(html).contains("No findings on this page").contains("href=\"/findings?status=all\"");
        assertThat(html).doesNotContain("<p id=\"total\">513 findings</p><table");
    }

    @Test
    void unknownRoutesAnswerJsonUnderTheApiAndAPageElsewhere() throws Exception {
        for (String path : List.of("/api/v1/nothing-here", "/intake/v1/nothing-here")) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode error = TestClient.JSON.readTree(answer.body());
            assertThat(error.path("status").asInt()).isEqualTo(404);
            assertThat(error.path("error").asString()).contains(path);
        }
        HttpResponse<String> page = get("/nothing-here");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<html").contains("/findings");
    }

    @Test
    void setupSaysWhichCapabilitiesVigilDoesNotRunYet() throws Exception {
        byte[] batch = TestClient.gzip(withCapabilities(TestClient.batch(
                UUID.randomUUID().toString(), "agent-0003", "deb-3", "0.1.0", TestClient.debianHost("zlib1g"))));
        assertThat(client.send(server.bootstrap().intakeKey(), batch).statusCode())
                .isEqualTo(202);
        String html = get("/setup").body();
        int at = html.indexOf(">deb-3<");
        String row = html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
        String identity = cell(row, "identity_risks");
        assertThat(identity).contains("not built yet").doesNotContain(">enabled<");
        assertThat(cell(row, "vulnerabilities")).contains(">enabled<");
        assertThat(cell(row, "misconfigurations")).contains(">enabled<");
    }

    private static tools.jackson.databind.node.ObjectNode withCapabilities(
            tools.jackson.databind.node.ObjectNode batch) {
        var capabilities = ((tools.jackson.databind.node.ObjectNode) batch.path("agent")).putArray("capabilities");
        for (String id : List.of("misconfigurations", "threats", "vulnerabilities", "identity_risks")) {
            capabilities.addObject().put("id", id).put("state", "enabled").putArray("unmet");
        }
        return batch;
    }

    private static String cell(String row, String capability) {
        int at = row.indexOf("data-capability=\"" + capability + "\"");
        assertThat(at).as(row).isPositive();
        return row.substring(at, row.indexOf("</td>", at));
    }

    private static long bar(String html, String label) {
        Matcher value = Pattern.compile("data-label=\"" + label + "\" data-value=\"(\\d+)\"")
                .matcher(html);
        assertThat(value.find()).as(label).isTrue();
        return Long.parseLong(value.group(1));
    }

    private static List<String> groupKeys(String html) {
        String body = html.substring(html.indexOf("<tbody>", html.indexOf("id=\"groups\"")));
        body = body.substring(0, body.indexOf("</tbody>"));
        List<String> keys = new ArrayList<>();
        Matcher key = Pattern.compile("<tr><td><a [^>]*>([^<]+)</a>").matcher(body);
        while (key.find()) {
            keys.add(key.group(1));
        }
        return keys;
    }
}
