package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.Target;

/**
 * The server applies the coverage rule of {@code vigil scan} (ADR 0003): a resource whose ecosystem the advisory
 * database holds nothing for is shown as not scanned, with why, and such a scan never resolves what was found.
 */
class ScanCoverageIT {
    @TempDir
    Path temp;

    @Test
    void aResourceTheDatabaseDoesNotCoverIsShownNotScannedAndKeepsItsFindings() throws Exception {
        Path data = temp.resolve("data");
        TestAdvisories.install(
                data, temp, List.of(TestAdvisories.osv("CVE-2099-0101", "Debian:12", TestAdvisories.HIGH, "testpkg")));
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            TestClient client = new TestClient(server);
            String token =
                    client.login(server.bootstrap().email(), server.bootstrap().password());
            String key = server.bootstrap().intakeKey();
            assertThat(client.send(key, batch("agent-deb", "deb-1", TestClient.debianHost("testpkg")))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(client.send(key, batch("agent-amzn", "amzn-1", amazonHost("openssl")))
                            .statusCode())
                    .isEqualTo(202);

            String byHost = client.get("/vulnerabilities?by=host", token).body();
            assertThat(byHost).contains("deb-1").contains("amzn-1");
            String amazonRow = row(byHost, "amzn-1");
            assertThat(amazonRow).contains("not scanned").contains("Amazon Linux:2023");
            assertThat(row(byHost, "deb-1")).contains("scanned").doesNotContain("not scanned");
            String resource = client.get("/resources?id=host:agent-amzn", token).body();
            assertThat(resource).contains("not scanned").contains("no advisories for Amazon Linux:2023");

            // the database loses Debian: a re-evaluation cannot vouch for deb-1, so its finding stays open
            TestAdvisories.install(
                    data,
                    temp,
                    List.of(TestAdvisories.osv("CVE-2099-0102", "Alpine:v3.20", TestAdvisories.HIGH, "musl")));
            server.reevaluate();
            String open = client.get("/api/v1/findings?status=open", token).body();
            assertThat(TestClient.JSON.readTree(open).path("total").asLong())
                    .as(open)
                    .isEqualTo(1);
            assertThat(row(client.get("/vulnerabilities?by=host", token).body(), "deb-1"))
                    .contains("not scanned")
                    .contains("Debian:12");
            // an uncovered scan sent by the agent resolves nothing either
            assertThat(client.send(key, batch("agent-deb", "deb-1", TestClient.debianHost()))
                            .statusCode())
                    .isEqualTo(202);
            open = client.get("/api/v1/findings?status=open", token).body();
            assertThat(TestClient.JSON.readTree(open).path("total").asLong())
                    .as(open)
                    .isEqualTo(1);
        }
    }

    /** The table row of the page that names {@code name}. */
    private static String row(String html, String name) {
        int at = html.indexOf(">" + name + "<");
        assertThat(at).as("%s in %s", name, html).isPositive();
        int start = html.lastIndexOf("<tr", at);
        int end = html.indexOf("</tr>", at);
        return html.substring(start, end);
    }

    private static byte[] batch(String agent, String hostname, Inventory inventory) throws Exception {
        return TestClient.gzip(TestClient.batch(UUID.randomUUID().toString(), agent, hostname, "0.1.0", inventory));
    }

    static Inventory amazonHost(String... packages) {
        List<InstalledPackage> installed = new java.util.ArrayList<>();
        for (String name : packages) {
            installed.add(new InstalledPackage(
                    PackageType.RPM,
                    name,
                    null,
                    "1.0-1.amzn2023",
                    null,
                    "x86_64",
                    name,
                    "1.0-1.amzn2023",
                    List.of(),
                    List.of(),
                    "pkg:rpm/amazon/" + name + "@1.0-1.amzn2023?arch=x86_64&distro=amazon-2023"));
        }
        return new Inventory(
                new Target(Target.Kind.HOST, "/", null),
                new OperatingSystem(OsFamily.AMAZON, "2023", "Amazon Linux 2023"),
                OsSupport.supported("Amazon Linux 2023 is supported"),
                installed,
                List.of(),
                Instant.now());
    }
}
