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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Threats pages in Debian's Chromium (ADR 0046): the empty state before any host sends signals, the list with its
 * facets and timeline, a signal's process tree, and triage by form posts (archive, reopen, mute for the process path,
 * remove the mute), with no Content-Security-Policy refusal.
 */
class ThreatPagesIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path temp;

    @Test
    void emptyStateListFacetsSignalTreeAndTriage() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        try (VigilServer server = VigilServer.start(
                        new VigilServer.Options(temp.resolve("data"), null, "127.0.0.1", 0), Clock.systemUTC());
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
            String base = "http://127.0.0.1:" + server.port();
            Page page = browser.newPage();
            List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
            page.onConsoleMessage(message -> {
                if (message.text().contains("Content Security Policy")) {
                    violations.add(message.text());
                }
            });
            page.navigate(base + "/threats");
            page.fill("input[name=email]", first.email());
            page.fill("input[name=password]", first.password());
            page.click("button[type=submit]");
            page.waitForURL(base + "/threats");
            assertThat(page.textContent("#no-sensor"))
                    .contains("No host sends signals yet")
                    .contains("not an all clear");
            assertThat(page.locator("#no-signals").count()).isZero();

            HttpClient http = HttpClient.newHttpClient();
            for (String[] batch : new String[][] {
                {"batch-ui-0001", "sig-ui-1", "shadow_file_read", "high", "/usr/bin/cat"},
                {"batch-ui-0002", "sig-ui-2", "curl_to_metadata", "critical", "/usr/bin/curl"}
            }) {
                var signal = ThreatSignalsIT.signal(batch[1], batch[2], batch[3], batch[4], "nginx:1.27");
                // within the page's default period
                signal.put("time", java.time.Instant.now().minusSeconds(3600).toString());
                signal.remove("last_time");
                HttpResponse<String> sent = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/intake/v1/batches"))
                                .header("Authorization", "Bearer " + first.intakeKey())
                                .header("Content-Encoding", "gzip")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(
                                        ThreatSignalsIT.batch(batch[0], "agent-ui-00001", "web-1", signal)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            }

            page.click("header nav >> text=Threats");
            page.waitForURL(url -> url.endsWith("/threats"));
            assertThat(page.locator("#signals tbody tr").count()).isEqualTo(2);
            assertThat(page.locator("#no-sensor").count()).isZero();
            assertThat(page.textContent("#sensors"))
                    .contains("web-1")
                    .contains("degraded")
                    .contains("open: 12");
            // the setup page shows each host's sensor and its lost records too, with the agents
            page.click("header nav >> text=Setup");
            page.waitForURL(url -> url.endsWith("/setup"));
            assertThat(page.textContent("#threat-sensors"))
                    .contains("Threat sensors")
                    .contains("web-1")
                    .contains("degraded")
                    .contains("open: 12");
            page.click("header nav >> text=Threats");
            page.waitForURL(url -> url.endsWith("/threats"));
            assertThat(page.locator("#timeline rect.bucket").count()).isEqualTo(8); // a day per bar over 7 days
            long drawn = page.locator("#timeline rect.bucket").all().stream()
                    .mapToLong(bar -> Long.parseLong(bar.getAttribute("data-count")))
                    .sum();
            assertThat(drawn).isEqualTo(2);
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("threats-01-list.png"))
                    .setFullPage(true));

            page.click("#facets a >> text=shadow_file_read (1)");
            page.waitForURL(url -> url.contains("rule=shadow_file_read"));
            assertThat(page.locator("#signals tbody tr").count()).isEqualTo(1);
            assertThat(page.textContent("#active-filters")).contains("rule: shadow_file_read");
            page.navigate(base + "/threats?period=24h&rule=nothing_matches");
            assertThat(page.textContent("#no-signals")).contains("No signals in this period");
            assertThat(page.locator("#timeline rect.bucket").count()).isBetween(24, 25);

            page.navigate(base + "/threats");
            page.click("#signals a >> nth=1");
            page.waitForURL(url -> url.contains("/threats/signals/"));
            assertThat(page.locator("#process-tree li").count()).isEqualTo(3);
            assertThat(page.textContent("#process-tree li >> nth=0")).contains("/usr/lib/systemd/systemd");
            assertThat(page.getAttribute("#process-tree li >> nth=2", "class")).contains("current");
            assertThat(page.textContent("#event")).contains("open.file.path").contains("/etc/shadow");
            assertThat(page.textContent("#actions")).contains("SIGKILL sent to 4242");
            assertThat(page.textContent("#resource")).contains("T1003.008").contains("docker");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("threats-02-signal.png"))
                    .setFullPage(true));

            page.click("#triage form.archive button");
            page.waitForLoadState();
            assertThat(page.textContent("#title")).contains("archived");
            assertThat(page.textContent("#history")).contains("→ archived").contains(first.email());
            page.click("#triage form.reopen button");
            page.waitForLoadState();
            assertThat(page.textContent("#title")).contains("open");
            page.fill("#triage form.mute-process input[name=reason]", "the backup job reads it");
            page.click("#triage form.mute-process button");
            page.waitForLoadState();
            page.navigate(base + "/threats");
            assertThat(page.textContent("#mutes")).contains("the backup job reads it");
            page.click("#mutes form.unmute button");
            page.waitForLoadState();
            assertThat(page.locator("#no-mutes").count()).isEqualTo(1);
            assertThat(violations).as("CSP violations in the browser console").isEmpty();
        }
    }
}
