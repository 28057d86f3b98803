package vigil.cli;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import tools.jackson.databind.json.JsonMapper;

/** The built jar's server in a process of its own, as the ITs start it: a free port, its credentials, a login. */
final class ServerProcess {
    private ServerProcess() {}

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code vigil server} on {@code port} with {@code data}, its output in {@code log}, once /healthz answers 200. */
    static Process start(Path data, int port, Path log) throws Exception {
        Process process = new ProcessBuilder(
                        BuiltJar.command("server", "--data-dir", data.toString(), "--port", String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200) {
                    return process;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the server did not become healthy within 60 s");
    }

    /** The first admin's credentials and the intake key the server wrote at its first start. */
    static Properties credentials(Path data) throws Exception {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(data.resolve("initial-credentials"))) {
            properties.load(reader);
        }
        return properties;
    }

    /** An API token for the first admin. */
    static String login(int port, Properties credentials) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/login"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\""
                                        + credentials.getProperty("email") + "\",\"password\":\""
                                        + credentials.getProperty("password") + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JsonMapper.builder()
                .build()
                .readTree(response.body())
                .path("token")
                .asString();
    }

    /** The JSON answer of an authenticated {@code GET path}, which must be 200. */
    static tools.jackson.databind.JsonNode get(int port, String token, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        org.assertj.core.api.Assertions.assertThat(response.statusCode())
                .as(path + ": " + response.body())
                .isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
