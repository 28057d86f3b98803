package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil agent run} with CSM Misconfigurations (ADR 0054), as a process against a real {@code vigil server}:
 * the agent checks this host at start and the server shows the scan, its verdicts and its failures as findings; a
 * check interval below five minutes is a usage error.
 */
class AgentPostureIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    private static JsonNode get(int port, String token, String path) throws Exception {
        return ServerProcess.get(port, token, path);
    }

    @Test
    void theAgentChecksThisHostAndTheServerShowsTheScan() throws Exception {
        Path serverData = temp.resolve("server");
        int port = ServerProcess.freePort();
        Process server = ServerProcess.start(serverData, port, temp.resolve("server.log"));
        Process agent = null;
        try {
            Properties credentials = ServerProcess.credentials(serverData);
            ProcessBuilder builder = new ProcessBuilder(BuiltJar.command(
                            "agent",
                            "run",
                            "--server",
                            "http://127.0.0.1:" + port,
                            "--threats",
                            "off",
                            "--misconfigurations",
                            "on",
                            "--data-dir",
                            temp.resolve("agent").toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("agent.log").toFile());
            builder.environment().put("VIGIL_API_KEY", credentials.getProperty("intake-api-key"));
            builder.environment().put("VIGIL_DEPLOYMENT", "linux");
            agent = builder.start();
            String token = ServerProcess.login(port, credentials);
            JsonNode scans = JSON.createObjectNode();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                scans = get(port, token, "/api/v1/misconfigurations/scans").path("scans");
                if (!scans.isEmpty()) {
                    break;
                }
                assertThat(agent.isAlive())
                        .as(Files.readString(temp.resolve("agent.log")))
                        .isTrue();
                Thread.sleep(250);
            }
            Path log = temp.resolve("agent.log");
            assertThat(scans.size()).as(Files.readString(log)).isEqualTo(1);
            assertThat(Files.readString(log)).containsPattern("misconfigurations: \\d+ verdicts \\(\\d+ failed\\) in");
            JsonNode scan = scans.get(0);
            assertThat(scan.path("benchmark").asString()).startsWith("linux");
            assertThat(scan.path("passed").asInt() + scan.path("failed").asInt())
                    .isGreaterThan(50);
            JsonNode rules = get(port, token, "/api/v1/misconfigurations/rules").path("rules");
            assertThat(rules.toString()).contains("vigil-linux-accounts-uid-zero-only-root");
            JsonNode findings = get(port, token, "/api/v1/findings?category=misconfiguration");
            assertThat(findings.path("total").asLong())
                    .isEqualTo(scan.path("failed").asLong());
        } finally {
            if (agent != null) {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCheckIntervalBelowFiveMinutesIsAUsageError() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(BuiltJar.command(
                        "agent",
                        "run",
                        "--once",
                        "--threats",
                        "off",
                        "--config-interval",
                        "30s",
                        "--data-dir",
                        temp.toString()))
                .redirectErrorStream(true);
        builder.environment().put("VIGIL_API_KEY", "vgl_not-used-the-options-are-refused-first");
        Process agent = builder.start();
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as(output).isEqualTo(ExitCodes.USAGE);
        assertThat(output).contains("--config-interval '30s' is not a duration of 5 minutes or more");
    }
}
