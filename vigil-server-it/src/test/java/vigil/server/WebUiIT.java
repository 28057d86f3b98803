package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/**
 * The main journeys of the web UI in Debian's Chromium, driven by Playwright: sign in, open Setup, filter findings,
 * mute one and see the chart change, assign one and filter by assignee, search by text. Screenshots of each page go to target/screenshots/ for review.
 */
class WebUiIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path temp;

    @Test
    void signInSetupFilterMuteAndTheChartFollows() throws Exception {
        Path data = temp.resolve("data");
        Path advisories = Files.createDirectories(temp.resolve("advisories"));
        Files.writeString(
                advisories.resolve("a.json"),
                advisory("DEBIAN-CVE-2099-1001", "libfoo", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        Files.writeString(
                advisories.resolve("b.json"),
                advisory("DEBIAN-CVE-2099-1002", "libbar", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"));
        Files.writeString(
                advisories.resolve("c.json"),
                advisory("DEBIAN-CVE-2099-1003", "libfoo", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"));
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(advisories), false, vigil.model.ProgressListener.NONE);
        Files.createDirectories(SCREENSHOTS);
        try (VigilServer server =
                        VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC());
                Playwright playwright = Playwright.create(
                        new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = playwright
                        .chromium()
                        .launch(new BrowserType.LaunchOptions()
                                .setExecutablePath(Path.of("/usr/bin/chromium"))
                                .setHeadless(true)
                                .setArgs(List.of(
                                        "--no-sandbox",
                                        "--disable-gpu",
                                        "--disable-background-networking",
                                        "--disable-component-update",
                                        "--no-first-run")))) {
            VigilServer.Bootstrap first = server.bootstrap();
            send(server, first.intakeKey());
            String base = "http://127.0.0.1:" + server.port();
            Page page = browser.newPage();
            // the Content-Security-Policy must not block anything the UI does: Chromium reports each refusal
            List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.onConsoleMessage(message -> {
                if (message.text().contains("Content Security Policy")) {
                    violations.add(message.text());
                }
            });

            page.navigate(base + "/findings");
            assertThat(page.url()).startsWith(base + "/login");
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("01-login.png")));
            page.fill("input[name=email]", first.email());
            page.fill("input[name=password]", "not the password");
            page.click("button[type=submit]");
            assertThat(page.textContent("[role=alert]")).contains("Wrong email, password or organization");
            page.fill("input[name=email]", first.email());
            page.fill("input[name=password]", first.password());
            page.click("button[type=submit]");
            page.waitForURL(base + "/findings");
            assertThat(page.textContent("#total")).isEqualTo("3 findings");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("02-findings.png"))
                    .setFullPage(true));

            page.click("header nav >> text=Setup");
            page.waitForURL(base + "/setup");
            assertThat(page.textContent("#agents")).contains("web-1").contains("Linux");
            assertThat(page.textContent("#agents td[data-capability=threats]"))
                    .contains("unavailable")
                    .contains("custom kernel builds are not supported");
            assertThat(page.textContent("#agents td[data-capability=vulnerabilities]"))
                    .contains("enabled");
            assertThat(page.locator("#matrix tbody tr").count()).isEqualTo(10);
            assertThat(page.getAttribute("#agents a >> text=web-1", "href")).startsWith("/resources?id=host");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("03-setup.png"))
                    .setFullPage(true));

            page.click("header nav >> text=Findings");
            page.click("a[data-facet='severity:critical']");
            assertThat(page.textContent("#total")).isEqualTo("1 findings");
            assertThat(page.textContent("#findings")).contains("CVE-2099-1001").doesNotContain("CVE-2099-1002");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("04-filtered.png"))
                    .setFullPage(true));

            assertThat(page.getAttribute("#by-severity rect[data-label=CRITICAL]", "data-value"))
                    .isEqualTo("1");
            page.fill("#findings form.mute input[name=reason]", "compensating control: not exposed");
            page.click("#findings form.mute button");
            page.waitForLoadState();
            assertThat(page.textContent("#total")).isEqualTo("0 findings");
            assertThat(page.getAttribute("#by-severity rect[data-label=CRITICAL]", "data-value"))
                    .as("the chart follows the mute")
                    .isEqualTo("0");
            page.navigate(base + "/findings?status=muted");
            assertThat(page.textContent("#findings")).contains("compensating control: not exposed");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("05-muted.png"))
                    .setFullPage(true));

            // the resource page: the host's inventory and findings; unmuting there puts the finding back
            page.navigate(base + "/findings?status=all");
            page.click("#findings a.resource-page >> nth=0");
            assertThat(page.textContent("#packages")).isEqualTo("3");
            assertThat(page.locator("#package-list tbody tr").count()).isEqualTo(3);
            assertThat(page.textContent("#package-list")).contains("libsafe").contains("1.0-1");
            assertThat(page.textContent("#resource")).contains("Debian GNU/Linux 12");
            assertThat(page.textContent("#total")).isEqualTo("3 open or muted findings");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("06-resource.png"))
                    .setFullPage(true));
            page.click("#findings form.unmute button");
            page.waitForLoadState();
            assertThat(page.locator("#findings form.unmute").count()).isZero();
            page.navigate(base + "/findings");
            assertThat(page.textContent("#total")).isEqualTo("3 findings");
            assertThat(page.getAttribute("#by-severity rect[data-label=CRITICAL]", "data-value"))
                    .isEqualTo("1");

            // triage: assign a finding to oneself, see the assignee in the table and on the resource page, filter
            String row = "#findings tr:has-text('CVE-2099-1001')";
            page.fill(row + " form.assign input[name=assignee]", first.email());
            page.click(row + " form.assign button");
            page.waitForLoadState();
            assertThat(page.textContent(row + " td.assignee")).isEqualTo(first.email());
            assertThat(page.locator("#findings td.assignee:not(:empty)").count())
                    .isEqualTo(1);
            page.click("a[data-facet='assignee:me']");
            assertThat(page.textContent("#total")).isEqualTo("1 findings");
            assertThat(page.textContent("#findings")).contains("CVE-2099-1001").doesNotContain("CVE-2099-1002");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("07-assigned.png"))
                    .setFullPage(true));
            page.click("#findings a.resource-page >> nth=0");
            assertThat(page.textContent(row + " td.assignee")).isEqualTo(first.email());
            // clearing the assignee on the resource page
            page.fill(row + " form.assign input[name=assignee]", "");
            page.click(row + " form.assign button");
            page.waitForLoadState();
            assertThat(page.textContent(row + " td.assignee")).isEmpty();
            page.navigate(base + "/findings?assignee=me");
            assertThat(page.textContent("#total")).isEqualTo("0 findings");

            // free-text search: a case-insensitive substring of rule, title, package or resource
            page.navigate(base + "/findings?status=all");
            page.fill("form.filters input[name=q]", "LIBFOO");
            page.click("form.filters button");
            page.waitForURL(url -> url.contains("q=LIBFOO"));
            assertThat(page.textContent("#total")).isEqualTo("2 findings");
            assertThat(page.textContent("#findings")).contains("CVE-2099-1001").contains("CVE-2099-1003");

            page.navigate(base + "/vulnerabilities?by=package");
            assertThat(page.textContent("#groups")).contains("libfoo").contains("libbar");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("08-vulnerabilities.png"))
                    .setFullPage(true));

            // a page of another origin cannot post with the session cookie
            HttpResponse<String> forged = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/ui/findings/x/mute"))
                                    .header(
                                            "Cookie",
                                            "vigil_session="
                                                    + page.context().cookies().getFirst().value)
                                    .header("Origin", "http://evil.example")
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("reason=x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(violations).as("CSP violations in the browser console").isEmpty();
        }
    }

    private static String advisory(String id, String pkg, String cvss) {
        return """
                {"id": "%s", "modified": "2099-01-01T00:00:00Z", "details": "flaw in %s",
                 "severity": [{"type": "CVSS_V3", "score": "%s"}],
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0-1"}]}]}]}
                """.formatted(id, pkg, cvss, pkg);
    }

    private static void send(VigilServer server, String key) throws Exception {
        var batch = TestClient.batch(
                UUID.randomUUID().toString(),
                "agent-web-1-test",
                "web-1",
                "0.1.0",
                TestClient.debianHost("libfoo", "libbar", "libsafe"));
        ArrayNode capabilities = (ArrayNode) batch.path("agent").path("capabilities");
        capabilities
                .addObject()
                .put("id", "misconfigurations")
                .put("state", "enabled")
                .putArray("unmet");
        capabilities
                .addObject()
                .put("id", "threats")
                .put("state", "unavailable")
                .putArray("unmet")
                .add("kernel 6.18.44-fc-v657 is not a Debian kernel build; custom kernel builds are not supported");
        capabilities
                .addObject()
                .put("id", "vulnerabilities")
                .put("state", "enabled")
                .putArray("unmet");
        HttpResponse<String> response = new TestClient(server).send(key, TestClient.gzip(batch));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
}
