package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.agent.run.Spool;

/**
 * {@code vigil agent run --interval 10s --spool-max 64KiB} as a process against a real {@code vigil server}, through
 * a recording front (the batches the server got, as it got them, and its answers). The server's address goes dead
 * long enough for the spool to overflow, comes back, and the spool drains within seconds; the drops show in {@code
 * vigil agent status --format json} and reach the server inside the batches ({@code agent.spool.dropped}).
 */
class AgentLoopIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "ADMIN_PASSWORD=correct-horse-battery-staple";

    @TempDir
    Path temp;

    /** One batch the server answered: its body (decompressed) and the answer. */
    record Received(long atNanos, JsonNode batch, int status, int compressedBytes) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Process startServer(Path data, int port) throws Exception {
        return ServerProcess.start(data, port, temp.resolve("server-" + System.nanoTime() + ".log"));
    }

    /** The front the agent talks to: forwards each batch to the server and records it with the server's answer. */
    private HttpServer startFront(int port, int serverPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int attempt = 0; ; attempt++) {
            try {
                HttpServer front =
                        HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 16);
                front.createContext("/", exchange -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    HttpRequest.Builder forward = HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + serverPort + exchange.getRequestURI()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    for (String header :
                            List.of("Authorization", "Content-Type", "Content-Encoding", "Idempotency-Key")) {
                        String value = exchange.getRequestHeaders().getFirst(header);
                        if (value != null) {
                            forward.header(header, value);
                        }
                    }
                    int status;
                    byte[] answer;
                    try {
                        HttpResponse<byte[]> response =
                                http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                        status = response.statusCode();
                        answer = response.body();
                    } catch (IOException | InterruptedException e) {
                        status = 502;
                        answer = "{\"error\":\"server away\"}".getBytes(StandardCharsets.UTF_8);
                    }
                    try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                        received.add(
                                new Received(System.nanoTime(), JSON.readTree(in.readAllBytes()), status, body.length));
                    }
                    exchange.sendResponseHeaders(status, answer.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer);
                    }
                });
                front.start();
                return front;
            } catch (BindException e) {
                if (attempt >= 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * A Debian host of 1,500 packages with random names (each inventory is more than half a 64 KiB spool), and a line
     * in its dpkg database that is a password, as a hostile link would expose it.
     */
    private Path host() throws Exception {
        Path root = temp.resolve("host");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(
                root.resolve("etc/os-release"),
                "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.1.0-18-amd64\n");
        Random random = new Random(15);
        StringBuilder status = new StringBuilder();
        status.append("Package: base-files\nStatus: install ok installed\nVersion: 12.4\n")
                .append(SECRET)
                .append("\n\n");
        for (int i = 0; i < 1500; i++) {
            status.append("Package: pkg-")
                    .append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36))
                    .append("\nStatus: install ok installed\nArchitecture: amd64\nVersion: ")
                    .append(random.nextInt(100))
                    .append('.')
                    .append(Integer.toString(random.nextInt() & Integer.MAX_VALUE, 36))
                    .append("-1\n\n");
        }
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), status.toString());
        return root;
    }

    private static Properties credentials(Path data) throws Exception {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(data.resolve("initial-credentials"))) {
            properties.load(reader);
        }
        return properties;
    }

    private static void await(String what, Duration limit, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static Spool.Status spool(Path agentData) {
        try {
            return Spool.inspect(agentData.resolve("agent/spool"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFullSpoolDropsCountsAndDrainsWithinSecondsOfTheServersReturn() throws Exception {
        long began = System.nanoTime();
        Path serverData = temp.resolve("server");
        Path agentData = temp.resolve("agent-data");
        int serverPort = freePort();
        int frontPort = freePort();
        Process server = startServer(serverData, serverPort);
        HttpServer front = startFront(frontPort, serverPort);
        ProcessBuilder agentBuilder = new ProcessBuilder(
                        java(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        Path.of("target", "vigil-cli.jar").toString(),
                        "agent",
                        "run",
                        "--server",
                        "http://127.0.0.1:" + frontPort,
                        "--interval",
                        "10s",
                        "--spool-max",
                        "64KiB",
                        // the spool's bound is under test with inventories: the sensor's signals sections are
                        // AgentThreatsIT's, the configuration checks' posture sections AgentPostureIT's
                        "--threats",
                        "off",
                        "--misconfigurations",
                        "off",
                        "--data-dir",
                        agentData.toString())
                .redirectOutput(temp.resolve("agent.out").toFile())
                .redirectError(temp.resolve("agent.err").toFile());
        agentBuilder.environment().put("VIGIL_API_KEY", credentials(serverData).getProperty("intake-api-key"));
        agentBuilder.environment().put("VIGIL_HOST_ROOT", host().toString());
        agentBuilder.environment().put("VIGIL_DEPLOYMENT", "linux");
        Process agent = agentBuilder.start();
        try {
            await(
                    "the first inventory is stored",
                    Duration.ofSeconds(60),
                    () -> received.stream().anyMatch(r -> r.status() == 202));
            System.out.printf(
                    "AgentLoopIT: the first inventory stored %.1f s after the test began%n",
                    (System.nanoTime() - began) / 1e9);
            int size = received.getFirst().compressedBytes();
            System.out.println("AgentLoopIT: an inventory batch is " + size + " bytes compressed");
            assertThat(size).as("the spool cannot hold two").isGreaterThan(32 << 10);

            // the server goes away for the agent: nothing listens at its address (the server process itself stays,
            // as AgentServerReliabilityIT restarts it; starting it again here would double this test's time)
            front.stop(0);
            long away = System.nanoTime();
            await(
                    "the spool overflows and drops a batch",
                    Duration.ofSeconds(40),
                    () -> spool(agentData).dropped() > 0);
            System.out.printf(
                    "AgentLoopIT: first drop %.1f s after the server went away%n", (System.nanoTime() - away) / 1e9);
            int before = received.size();

            front = startFront(frontPort, serverPort);
            long back = System.nanoTime();
            System.out.printf("AgentLoopIT: the server was away %.1f s%n", (back - away) / 1e9);
            await(
                    "the spool drains",
                    Duration.ofSeconds(45),
                    () -> received.size() > before && spool(agentData).pending() == 0);
            double drained = (System.nanoTime() - back) / 1e9;
            System.out.printf("AgentLoopIT: the spool drained %.1f s after the server was back%n", drained);
            // the old agent tried again only at its next one-minute cycle
            assertThat(drained).isLessThan(45);
            await(
                    "a batch made after the drop reaches the server",
                    Duration.ofSeconds(20),
                    () -> received.stream()
                            .skip(before)
                            .anyMatch(r -> r.status() == 202
                                    && r.batch()
                                                    .path("agent")
                                                    .path("spool")
                                                    .path("dropped")
                                                    .asLong()
                                            > 0));

            Process status = new ProcessBuilder(
                            java(),
                            "--enable-native-access=ALL-UNNAMED",
                            "-jar",
                            Path.of("target", "vigil-cli.jar").toString(),
                            "agent",
                            "status",
                            "--format",
                            "json",
                            "--data-dir",
                            agentData.toString())
                    .redirectError(temp.resolve("status.err").toFile())
                    .start();
            String statusText = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(status.exitValue()).as(statusText).isZero();
            JsonNode json = JSON.readTree(statusText);
            assertThat(json.path("spool").path("dropped").asLong()).isPositive();
            assertThat(json.path("spool").path("droppedBytes").asLong()).isGreaterThan(32 << 10);
            assertThat(json.path("spool").path("droppedSince").asString()).isNotEmpty();
            assertThat(json.path("spool").path("maxBytes").asLong()).isEqualTo(64 << 10);
            assertThat(json.path("lastSentAt").asString()).isNotEmpty();
            assertThat(json.path("lastError").path("message").asString()).contains("cannot reach");

            String log = Files.readString(temp.resolve("agent.out"));
            assertThat(log).contains("next try in");
            assertThat(Files.readString(temp.resolve("agent.err")))
                    .contains("warning: the spool held")
                    .contains("over its bound of 65536");
            assertThat(received.stream().filter(r -> r.status() != 202 && r.status() != 200))
                    .as("every batch the server got was taken")
                    .isEmpty();
            assertThat(received.stream()
                            .filter(r -> !r.batch().path("inventories").isEmpty())
                            .toList())
                    .as("the scan warned of the password line, and the server got the warning without it")
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.batch().toString())
                            .contains("line 4: [text from the file withheld] is not a 'Field: value' line")
                            .doesNotContain("correct-horse"));
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
            front.stop(0);
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
