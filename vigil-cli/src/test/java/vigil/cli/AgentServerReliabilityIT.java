package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.run.AgentRunner;

/**
 * The server as a real process: batches made while it is away wait in the agent's spool and arrive, in order and
 * once, when it is back; a server killed with SIGKILL in the middle of ingestion stores every batch exactly once
 * after a restart and the agents' retries.
 */
class AgentServerReliabilityIT {
    @TempDir
    Path temp;

    private Process startServer(Path data, int port) throws Exception {
        return ServerProcess.start(data, port, temp.resolve("server-" + port + "-" + System.nanoTime() + ".log"));
    }

    private static int freePort() throws Exception {
        return ServerProcess.freePort();
    }

    private static Properties credentials(Path data) throws Exception {
        return ServerProcess.credentials(data);
    }

    private static String login(int port, Properties credentials) throws Exception {
        return ServerProcess.login(port, credentials);
    }

    private static long count(Path data, String table) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("server.db"));
                var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void batchesMadeWhileTheServerIsAwayArriveOnceWhenItIsBack() throws Exception {
        Path data = temp.resolve("server");
        int port = freePort();
        Process server = startServer(data, port);
        String key = credentials(data).getProperty("intake-api-key");
        URI url = URI.create("http://127.0.0.1:" + port);
        AgentRunner agent = AgentCommand.runner(temp.resolve("agent"), url, key, Map.of("VIGIL_DEPLOYMENT", "linux"));
        assertThat(agent.cycle(true).round().remaining()).isZero();

        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 3; i++) {
            AgentRunner.Cycle offline = agent.cycle(false);
            assertThat(offline.round().problem()).contains("cannot reach");
            assertThat(offline.round().remaining()).isEqualTo(i + 1);
        }

        server = startServer(data, port);
        try {
            AgentRunner.Cycle back = agent.cycle(false);
            assertThat(back.round().problem()).isNull();
            assertThat(back.round().sent()).isEqualTo(4);
            assertThat(back.round().remaining()).isZero();
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(count(data, "batches")).isEqualTo(5);
        assertThat(count(data, "agents")).isEqualTo(1);
        assertThat(count(data, "inventories")).isEqualTo(1);
    }

    @Test
    void aServerKilledDuringIngestionStoresEveryBatchExactlyOnce() throws Exception {
        Path data = temp.resolve("server");
        int port = freePort();
        Process server = startServer(data, port);
        String key = credentials(data).getProperty("intake-api-key");
        JsonMapper json = JsonMapper.builder().build();
        List<byte[]> batches = new ArrayList<>();
        int total = 1000;
        for (int i = 0; i < total; i++) {
            ObjectNode batch = json.createObjectNode();
            batch.put("batchId", String.format("batch-%06d", i));
            ObjectNode agent = batch.putObject("agent");
            agent.put("id", String.format("agent-%04d", i % 20));
            agent.put("hostname", "host-" + (i % 20));
            agent.put("version", "0.1.0");
            agent.put("deployment", "linux");
            agent.putObject("facts");
            agent.putArray("capabilities");
            batch.putArray("inventories");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                gzip.write(json.writeValueAsBytes(batch));
            }
            batches.add(bytes.toByteArray());
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        boolean[] delivered = new boolean[total];
        // several agents send at once; the server is killed once 40 batches have been answered, mid-ingestion
        AtomicInteger answered = new AtomicInteger();
        Thread killer = Thread.ofVirtual().start(() -> {
            try {
                while (answered.get() < 40) {
                    Thread.sleep(1);
                }
                server.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sendAll(http, port, key, batches, delivered, answered);
        killer.join();
        server.waitFor(30, TimeUnit.SECONDS);
        long storedBeforeRestart = count(data, "batches");
        assertThat(storedBeforeRestart)
                .as("the kill landed while batches were still arriving")
                .isBetween(40L, (long) total - 1);

        Process restarted = startServer(data, port);
        try {
            // every agent retries whatever it has no answer for, and some resend what did arrive
            for (int i = 0; i < total; i++) {
                if (i % 7 == 0) {
                    delivered[i] = false;
                }
            }
            // like agents, retry until everything is in (the per-key rate limit answers 429 to a flood)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                sendAll(http, port, key, batches, delivered, new AtomicInteger());
                boolean all = true;
                for (boolean d : delivered) {
                    all &= d;
                }
                if (all) {
                    break;
                }
                Thread.sleep(1000);
            }
            for (boolean d : delivered) {
                assertThat(d).isTrue();
            }
        } finally {
            restarted.destroy();
            restarted.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(count(data, "batches")).isEqualTo(total);
        assertThat(count(data, "agents")).isEqualTo(20);
    }

    private static void sendAll(
            HttpClient http, int port, String key, List<byte[]> batches, boolean[] delivered, AtomicInteger answered)
            throws InterruptedException {
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            int sender = s;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = sender; i < batches.size(); i += 8) {
                    if (delivered[i]) {
                        continue;
                    }
                    try {
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/intake/v1/batches"))
                                        .timeout(Duration.ofSeconds(10))
                                        .header("Authorization", "Bearer " + key)
                                        .header("Content-Encoding", "gzip")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(batches.get(i)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                        delivered[i] = response.statusCode() == 202 || response.statusCode() == 200;
                        answered.incrementAndGet();
                    } catch (java.io.IOException | InterruptedException e) {
                        return; // the server went away: this agent keeps the rest for later
                    }
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
    }
}
