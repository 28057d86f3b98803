package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The navigation the layout renders from the registry (ADR 0032): every entry, the core's and each wing's, leads to a
 * page that answers 200 for a signed-in user and marks its own entry active.
 */
class UiNavigationIT {
    private static final Pattern NAV = Pattern.compile("<nav>(.*?)</nav>", Pattern.DOTALL);
    private static final Pattern LINK = Pattern.compile("<a href=\"([^\"]+)\"( class=\"active\")?>([^<]+)</a>");

    @TempDir
    Path temp;

    @Test
    void everyNavigationEntryAnswersForASignedInUser() throws Exception {
        Path data = temp.resolve("data");
        TestAdvisories.install(
                data, temp, List.of(TestAdvisories.osv("CVE-2099-0001", "Debian:12", TestAdvisories.HIGH, "libfoo")));
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            TestClient client = new TestClient(server);
            HttpResponse<String> sent = client.send(
                    server.bootstrap().intakeKey(),
                    TestClient.gzip(TestClient.batch(
                            UUID.randomUUID().toString(),
                            "agent-nav-1",
                            "nav-1",
                            "0.1.0",
                            TestClient.debianHost("libfoo"))));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            String token =
                    client.login(server.bootstrap().email(), server.bootstrap().password());

            List<String> paths = navigation(client.get("/findings", token).body(), "/findings");
            assertThat(paths)
                    .as("the core's entries and the wings' (vulnerabilities, misconfigurations, threats), in order")
                    .containsExactly(
                            "/findings", "/vulnerabilities", "/misconfigurations", "/threats", "/setup", "/account");
            for (String path : paths) {
                HttpResponse<String> page = client.get(path, token);
                assertThat(page.statusCode()).as(path).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type").orElse(""))
                        .as(path)
                        .startsWith("text/html");
                assertThat(navigation(page.body(), path)).as(path).isEqualTo(paths);
            }
        }
    }

    /** The navigation's paths, checking that exactly the entry for {@code active} is marked. */
    private static List<String> navigation(String html, String active) {
        Matcher nav = NAV.matcher(html);
        assertThat(nav.find()).as("a navigation bar on " + active).isTrue();
        List<String> paths = new ArrayList<>();
        Matcher link = LINK.matcher(nav.group(1));
        while (link.find()) {
            paths.add(link.group(1));
            assertThat(link.group(2) != null)
                    .as(link.group(1) + " marked active on " + active)
                    .isEqualTo(link.group(1).equals(active));
        }
        return paths;
    }
}
