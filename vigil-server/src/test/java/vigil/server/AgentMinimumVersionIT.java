package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The minimum agent version is the server's setting: the Setup page shows agents below it as such. */
class AgentMinimumVersionIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    @Test
    void agentsOlderThanTheServersMinimumAreFlagged() throws Exception {
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(temp, null, "127.0.0.1", 0, null, Duration.ofSeconds(30), "0.2.0"),
                Clock.systemUTC())) {
            VigilServer.Bootstrap first = server.bootstrap();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            for (String version : new String[] {"0.1.0", "0.2.1"}) {
                ObjectNode batch = JSON.createObjectNode();
                batch.put("batchId", "batch-" + version + "-0000");
                ObjectNode agent = batch.putObject("agent");
                agent.put("id", "agent-" + version + "-000");
                agent.put("hostname", "host-" + version);
                agent.put("version", version);
                agent.put("deployment", "linux");
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                    gzip.write(JSON.writeValueAsBytes(batch));
                }
                assertThat(http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/intake/v1/batches"))
                                                .header("Authorization", "Bearer " + first.intakeKey())
                                                .header("Content-Encoding", "gzip")
                                                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray()))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(202);
            }
            String token = JSON.readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/v1/login"))
                                            .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + first.email()
                                                    + "\",\"password\":\"" + first.password() + "\"}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("token")
                    .asString();
            String setup = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/setup"))
                                    .header("Cookie", "vigil_session=" + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            String oldRow = setup.substring(setup.indexOf("host-0.1.0"), setup.indexOf("host-0.2.1"));
            assertThat(oldRow).contains("older than 0.2.0");
            String newRow = setup.substring(setup.indexOf("host-0.2.1"));
            assertThat(newRow.substring(0, newRow.indexOf("</tr>"))).doesNotContain("older than");
        }
    }
}
