package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fault injection against real server processes ({@code vigil server}), with clients that retry like the agent (the
 * same batch id until a 2xx): the server killed with SIGKILL at seeded random moments on SQLite and on PostgreSQL,
 * PostgreSQL restarted and its postmaster killed mid-intake, a queue worker (a second server process) killed in Kafka
 * mode, the disk under SQLite filled and freed. At the end every acknowledged batch is stored exactly once and the
 * server answers healthy without anyone restarting it after the database or disk came back.
 */
class FaultInjectionIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    private final long begun = System.nanoTime();
    private final long seed = Long.getLong("vigil.faults.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    @Test
    void everyAcknowledgedBatchIsStoredExactlyOnceThroughKillsRestartsAndAFullDisk() throws Exception {
        System.out.println("FaultInjectionIT seed " + seed + " (rerun with -Dvigil.faults.seed=" + seed + ")");
        long started = System.nanoTime();
        sqliteKilledAndDiskFilled();
        System.out.printf("SQLite phase done at %d s%n", elapsedSeconds(started));
        postgresKilledRestartedAndCrashed();
        System.out.printf("PostgreSQL phase done at %d s%n", elapsedSeconds(started));
        kafkaWorkerKilled();
        System.out.printf("Kafka phase done at %d s%n", elapsedSeconds(started));
    }

    private void sqliteKilledAndDiskFilled() throws Exception {
        Path disk = temp.resolve("disk");
        Files.createDirectories(disk);
        mount(disk, "48m");
        Path data = disk.resolve("data");
        int port = freePort();
        Server[] server = {Server.start(temp, data, port, List.of())};
        try {
            String key = credentials(data).getProperty("intake-api-key");
            Senders senders = new Senders(http, port, key, batches("sqlite", 240, 60, 6), 6);
            for (int kill = 1; kill <= 3; kill++) {
                senders.awaitAcknowledged(kill * 35 - random.nextInt(20));
                server[0].kill();
                log("SQLite: server killed at " + senders.acknowledged().size() + " acknowledged");
                Thread.sleep(random.nextInt(1500));
                server[0] = Server.start(temp, data, port, List.of());
                log("SQLite: server back");
            }
            // the disk fills under intake: refused with 503 naming it, degraded, then recovered once it is freed
            senders.awaitAcknowledged(130);
            Path filler = disk.resolve("filler");
            fill(filler);
            log("SQLite: disk filled");
            awaitTrue(() -> senders.sawRefusal("disk is full"), "a batch refused for the full disk", 60);
            String health = get(port, "/healthz");
            Files.delete(filler);
            assertThat(health).contains("degraded", "storage full");
            awaitHealthy(port);
            log("SQLite: space freed, healthy again");
            senders.awaitAll(120);
            assertThat(senders.errors())
                    .as("no 500s, only refusals the agent retries")
                    .isEmpty();
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("server.db"))) {
                assertStoredOnce(connection, senders.acknowledged());
            }
        } finally {
            server[0].stop();
            umount(disk);
        }
    }

    private void postgresKilledRestartedAndCrashed() throws Exception {
        Path pgData = temp.resolve("pg");
        int pgPort = freePort();
        EmbeddedPostgres postgres = postgres(pgData, pgPort);
        String url = "postgresql://postgres:postgres@localhost:" + pgPort + "/postgres";
        Path data = temp.resolve("pg-server");
        int port = freePort();
        Server server = Server.start(temp, data, port, List.of("--database", url));
        try {
            String key = credentials(data).getProperty("intake-api-key");
            Senders senders = new Senders(http, port, key, batches("pg", 200, 20, 6), 6);
            senders.awaitAcknowledged(20 + random.nextInt(40));
            server.kill();
            Thread.sleep(random.nextInt(1000));
            server = Server.start(temp, data, port, List.of("--database", url));
            senders.awaitAcknowledged(60 + random.nextInt(20));
            // a restart of the database mid-intake: the server reconnects by itself
            postgres.close();
            log("PostgreSQL: stopped at " + senders.acknowledged().size() + " acknowledged");
            Thread.sleep(random.nextInt(2000));
            postgres = postgres(pgData, pgPort);
            awaitHealthy(port);
            log("PostgreSQL: restarted, server healthy again");
            senders.awaitAcknowledged(100);
            // the postmaster killed outright: crash recovery on the next start
            long postmaster = Long.parseLong(
                    Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).strip());
            ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
            log("PostgreSQL: postmaster killed at " + senders.acknowledged().size() + " acknowledged");
            awaitTrue(() -> get(port, "/healthz").contains("database unavailable"), "degraded without PostgreSQL", 30);
            try {
                postgres.close(); // releases its lock on the data directory; stopping the dead postmaster fails
            } catch (IOException | RuntimeException expected) {
                // nothing runs to stop
            }
            Thread.sleep(1000); // its backends notice the postmaster's death and exit
            postgres = postgresAfterCrash(pgData, pgPort);
            awaitHealthy(port);
            log("PostgreSQL: recovered from the crash, server healthy again");
            senders.awaitAcknowledged(130 + random.nextInt(40));
            server.kill();
            server = Server.start(temp, data, port, List.of("--database", url));
            senders.awaitAll(120);
            assertThat(senders.errors()).isEmpty();
            try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                assertStoredOnce(connection, senders.acknowledged());
            }
        } finally {
            server.stop();
            postgres.close();
        }
    }

    private void kafkaWorkerKilled() throws Exception {
        try (KafkaClusterTestKit kafka = oneNodeCluster();
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
            List<String> options = List.of(
                    "--database",
                    url,
                    "--queue",
                    "kafka://" + kafka.bootstrapServers() + "?topic=faults&partitions=6&group=faults-workers");
            int portA = freePort();
            int portB = freePort();
            Server a = Server.start(temp, temp.resolve("kafka-a"), portA, options);
            Server b = Server.start(temp, temp.resolve("kafka-b"), portB, options);
            try {
                String key = credentials(temp.resolve("kafka-a")).getProperty("intake-api-key");
                Senders senders = new Senders(http, portA, key, batches("kafka", 150, 10, 4), 4);
                senders.awaitAcknowledged(30 + random.nextInt(40));
                b.kill(); // a worker dies with its partitions' batches unstored and uncommitted
                log("Kafka: worker killed at " + senders.acknowledged().size() + " acknowledged");
                senders.awaitAll(120);
                assertThat(senders.errors()).isEmpty();
                // acknowledged means queued: wait until the surviving worker has stored them all
                try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                    awaitTrue(
                            () -> count(connection) >= senders.acknowledged().size(), "all queued batches stored", 90);
                    assertStoredOnce(connection, senders.acknowledged());
                }
                assertThat(get(portA, "/healthz")).contains("\"status\":\"ok\"");
            } finally {
                a.stop();
                b.stop();
            }
        }
    }

    /** A server process: started, and waited for until /healthz answers 200. */
    private record Server(Process process) {
        static Server start(Path temp, Path data, int port, List<String> options) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx512m",
                    "-jar",
                    Path.of("target", "vigil-cli.jar").toString(),
                    "server",
                    "--data-dir",
                    data.toString(),
                    "--port",
                    String.valueOf(port)));
            command.addAll(options);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("server-" + port + "-" + System.nanoTime() + ".log")
                            .toFile())
                    .start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                assertThat(process.isAlive()).as("the server process runs").isTrue();
                try {
                    if (http.send(
                                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200) {
                        return new Server(process);
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(200);
            }
            process.destroyForcibly();
            throw new AssertionError("the server did not become healthy within 90 s");
        }

        /** SIGKILL: nothing finishes, nothing is closed. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * Agents: each thread sends its batches in order and retries one (the same id) until it is answered 2xx, as the
     * agent's spool does; 503s, 429s and lost connections are waited out. Anything else is an error.
     */
    private static final class Senders {
        private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<String> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger done = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private final int total;

        Senders(HttpClient http, int port, String key, Map<String, byte[]> batches, int agents) {
            this.total = batches.size();
            List<Map.Entry<String, byte[]>> all = new ArrayList<>(batches.entrySet());
            for (int t = 0; t < agents; t++) {
                int agent = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = agent; i < all.size(); i += agents) {
                        send(http, port, key, all.get(i).getKey(), all.get(i).getValue());
                    }
                    done.incrementAndGet();
                }));
            }
        }

        private void send(HttpClient http, int port, String key, String id, byte[] body) {
            while (true) {
                try {
                    HttpResponse<String> answer = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/intake/v1/batches"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + key)
                                    .header("Content-Encoding", "gzip")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    int status = answer.statusCode();
                    if (status == 200 || status == 202) {
                        acknowledged.add(id);
                        return;
                    }
                    if (status == 503) {
                        refusals.add(answer.body());
                    } else if (status != 429) {
                        errors.add(id + ": " + status + " " + answer.body());
                    }
                } catch (IOException e) {
                    // the server is away: keep the batch and try again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void awaitAcknowledged(int count) throws InterruptedException {
            awaitTrue(() -> acknowledged.size() >= Math.min(count, total), count + " batches acknowledged", 120);
        }

        void awaitAll(int seconds) throws InterruptedException {
            awaitTrue(() -> done.get() == threads.size(), "every batch acknowledged", seconds);
            assertThat(acknowledged).hasSize(total);
        }

        boolean sawRefusal(String text) {
            synchronized (refusals) {
                return refusals.stream().anyMatch(body -> body.contains(text));
            }
        }

        Set<String> acknowledged() {
            return Set.copyOf(acknowledged);
        }

        List<String> errors() {
            synchronized (errors) {
                return List.copyOf(errors);
            }
        }
    }

    /** Batches of agents with a Debian host inventory of {@code packages} packages each. */
    private Map<String, byte[]> batches(String prefix, int count, int packages, int senders) throws IOException {
        Map<String, byte[]> batches = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("%s-batch-%06d", prefix, i);
            ObjectNode batch = JSON.createObjectNode();
            batch.put("batchId", id);
            ObjectNode agent = batch.putObject("agent");
            // an agent sends its batches one after the other: each agent's batches go to one sender (i mod senders)
            agent.put("id", String.format("%s-agent-%d-%d", prefix, i % senders, random.nextInt(5)));
            agent.put("hostname", "host-" + i);
            agent.put("version", "0.1.0");
            agent.put("deployment", "linux");
            agent.putObject("facts");
            agent.putArray("capabilities");
            List<vigil.model.InstalledPackage> installed = new ArrayList<>();
            for (int p = 0; p < packages; p++) {
                String name = "pkg-" + p;
                String version = "1.0-" + i;
                installed.add(new vigil.model.InstalledPackage(
                        vigil.model.PackageType.DEB,
                        name,
                        null,
                        version,
                        null,
                        "amd64",
                        name,
                        version,
                        List.of(),
                        List.of(),
                        "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-12"));
            }
            vigil.model.Inventory inventory = new vigil.model.Inventory(
                    new vigil.model.Target(vigil.model.Target.Kind.HOST, "/", null),
                    new vigil.model.OperatingSystem(vigil.model.OsFamily.DEBIAN, "12", "Debian GNU/Linux 12"),
                    vigil.model.OsSupport.supported("Debian 12 is supported"),
                    installed,
                    List.of(),
                    java.time.Instant.ofEpochSecond(1_800_000_000L + i));
            batch.putArray("inventories")
                    .add(vigil.inventory.sbom.CycloneDx.tree(
                            inventory, List.of(), "test", new java.util.UUID(seed, i)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                gzip.write(JSON.writeValueAsBytes(batch));
            }
            batches.put(id, bytes.toByteArray());
        }
        return batches;
    }

    private static void assertStoredOnce(Connection connection, Set<String> acknowledged) throws Exception {
        Map<String, Long> stored = new HashMap<>();
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT batch_id, COUNT(*) FROM batches GROUP BY batch_id")) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getLong(2));
            }
        }
        for (String id : acknowledged) {
            assertThat(stored.get(id))
                    .as("acknowledged batch %s stored once", id)
                    .isEqualTo(1L);
        }
        assertThat(stored.keySet()).as("nothing stored that was not sent").isEqualTo(acknowledged);
        System.out.printf("%d acknowledged batches, each stored exactly once%n", acknowledged.size());
    }

    private static long count(Connection connection) {
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT COUNT(*) FROM batches")) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    private String get(int port, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void awaitHealthy(int port) throws InterruptedException {
        awaitTrue(() -> get(port, "/healthz").contains("\"status\":\"ok\""), "healthy again by itself", 60);
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private void log(String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - begun) / 1e9, what);
    }

    private static long elapsedSeconds(long started) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }

    /**
     * PostgreSQL as deployed: the embedded binaries' default {@code synchronous_commit=off} answers a commit before
     * its log is written, so a killed postmaster loses transactions it had acknowledged (this test saw it).
     */
    private static EmbeddedPostgres postgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    /** Starts PostgreSQL again after its postmaster was killed; retried while the old backends are still exiting. */
    private static EmbeddedPostgres postgresAfterCrash(Path data, int port) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return postgres(data, port);
            } catch (IOException | RuntimeException e) {
                if (attempt >= 10) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    private static KafkaClusterTestKit oneNodeCluster() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return kit;
    }

    private static Properties credentials(Path data) throws IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(data.resolve("initial-credentials"), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Writes until the file system refuses: ENOSPC. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full
        }
    }

    private static void mount(Path dir, String size) throws Exception {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mount.waitFor())
                .as("mounting a %s tmpfs for the full disk needs root: %s", size, output)
                .isZero();
    }

    private static void umount(Path dir) throws Exception {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
    }

    static {
        System.setProperty("log4j2.level", "WARN");
    }
}
