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
 * CSM Threats end to end, as it ships: {@code vigil agent run} runs the real sensor (CI runs as root) with the built-in
 * policy, a process on this host reads {@code /etc/shadow}, and the server's Threats wing has the signal, with its
 * rule, severity, process tree and host, within seconds; {@code vigil agent status} shows the sensor running and the
 * server's sensors list has the host.
 */
class AgentThreatsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    private static JsonNode get(int port, String token, String path) throws Exception {
        return ServerProcess.get(port, token, path);
    }

    @Test
    void aSignalOnThisHostReachesTheServer() throws Exception {
        Path serverData = temp.resolve("server");
        Path agentData = temp.resolve("agent");
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
                            "on",
                            "--data-dir",
                            agentData.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("agent.log").toFile());
            builder.environment().put("VIGIL_API_KEY", credentials.getProperty("intake-api-key"));
            builder.environment().put("VIGIL_DEPLOYMENT", "linux");
            agent = builder.start();
            Path log = temp.resolve("agent.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && !(Files.exists(log) && Files.readString(log).contains("threats: the sensor runs"))) {
                assertThat(agent.isAlive())
                        .as(Files.exists(log) ? Files.readString(log) : "")
                        .isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).contains("threats: the sensor runs");

            assertThat(new ProcessBuilder("/bin/cat", "/etc/shadow")
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor())
                    .isZero();

            String token = ServerProcess.login(port, credentials);
            JsonNode signal = null;
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (signal == null && System.nanoTime() < deadline) {
                for (JsonNode item : get(port, token, "/api/v1/threats/signals?rule=shadow_file_read")
                        .path("signals")) {
                    signal = item;
                }
                Thread.sleep(250);
            }
            assertThat(signal).as(Files.readString(log)).isNotNull();
            assertThat(signal.toString())
                    .contains("shadow_file_read")
                    .contains("high")
                    .contains("/usr/bin/cat");
            JsonNode sensors = get(port, token, "/api/v1/threats/sensors");
            assertThat(sensors.toString()).contains("running");

            Process status = new ProcessBuilder(BuiltJar.command("agent", "status", "--data-dir", agentData.toString()))
                    .redirectErrorStream(true)
                    .start();
            String text = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(text).containsPattern("Threats: +sensor running, \\d+ events since");
        } finally {
            if (agent != null) {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
