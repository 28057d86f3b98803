package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minimum agent version is the server's setting: the Setup page shows agents below it as such. */
class AgentMinimumVersionIT {
    @TempDir
    Path temp;

    @Test
    void agentsOlderThanTheServersMinimumAreFlagged() throws Exception {
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(temp, null, "127.0.0.1", 0, null, Duration.ofSeconds(30), "0.2.0"),
                Clock.systemUTC())) {
            VigilServer.Bootstrap first = server.bootstrap();
            TestClient client = new TestClient(server);
            for (String version : new String[] {"0.1.0", "0.2.1"}) {
                assertThat(client.send(
                                        first.intakeKey(),
                                        TestClient.gzip(TestClient.batch(
                                                "batch-" + version + "-0000",
                                                "agent-" + version + "-000",
                                                "host-" + version,
                                                version)))
                                .statusCode())
                        .isEqualTo(202);
            }
            String token = client.login(first.email(), first.password());
            String setup = client.get("/setup", token).body();
            String oldRow = setup.substring(setup.indexOf("host-0.1.0"), setup.indexOf("host-0.2.1"));
            assertThat(oldRow).contains("older than 0.2.0");
            String newRow = setup.substring(setup.indexOf("host-0.2.1"));
            assertThat(newRow.substring(0, newRow.indexOf("</tr>"))).doesNotContain("older than");
        }
    }
}
