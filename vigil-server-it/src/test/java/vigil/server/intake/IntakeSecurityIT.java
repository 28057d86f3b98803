package vigil.server.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.model.OsSupport;
import vigil.model.Target;
import vigil.server.VigilServer;
import vigil.spi.intake.IntakeException;
import vigil.spi.intake.IntakeQueue;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/**
 * The intake's defences with a real server over real HTTP (ADR 0015): hostile bodies are answered quickly with bounded
 * memory while the API goes on answering, and one intake key cannot write the state of a host or image another key
 * sent first, on SQLite and PostgreSQL.
 */
class IntakeSecurityIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static @Nullable EmbeddedPostgres postgres;

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base = "";

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private VigilServer start(String store) throws Exception {
        Path data = temp.resolve("data-" + store);
        Path advisory = temp.resolve("DEBIAN-CVE-2099-0001.json");
        Files.writeString(advisory, """
                {"id": "DEBIAN-CVE-2099-0001", "modified": "2099-01-01T00:00:00Z",
                 "details": "A test flaw in testpkg",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "testpkg"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0-1"}]}]}]}
                """);
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(advisory), false, vigil.model.ProgressListener.NONE);
        String url = null;
        if (store.equals("postgresql")) {
            String database = "vigil_" + UUID.randomUUID().toString().replace("-", "");
            try (var connection = postgres.getPostgresDatabase().getConnection();
                    var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
            url = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + database;
        }
        VigilServer server = VigilServer.start(new VigilServer.Options(data, url, "127.0.0.1", 0), Clock.systemUTC());
        base = "http://127.0.0.1:" + server.port();
        return server;
    }

    @Test
    void hostileBodiesAreAnsweredQuicklyWithBoundedMemoryWhileTheApiAnswers() throws Exception {
        try (VigilServer server = start("sqlite")) {
            String key = server.bootstrap().intakeKey();
            String admin = login(server);
            // the bomb: 250 MiB of {}, in about 250 KB
            byte[] bomb = IntakeParseTest.emptyObjects(
                    "{\"batchId\":\"batch-bomb-01\",\"inventories\":[{\"bomFormat\":\"CycloneDX\",\"components\":[",
                    250L << 20);
            byte[] deep = IntakeParseTest.gzip(out -> {
                out.write("{\"batchId\":\"batch-deep-01\",\"agent\":".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 2_000_000; i++) {
                    out.write('[');
                }
            });
            byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            byte[] string = IntakeParseTest.gzip(out -> {
                out.write("{\"batchId\":\"".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 200; i++) {
                    out.write(chunk);
                }
                out.write("\"}".getBytes(StandardCharsets.UTF_8));
            });
            System.out.printf(
                    "bodies: bomb %d B, deep %d B, string %d B of gzip%n", bomb.length, deep.length, string.length);

            HeapWatch heap = HeapWatch.start();
            try {
                for (Object[] hostile : List.<Object[]>of(
                        new Object[] {bomb, 413, "100000 elements"},
                        new Object[] {deep, 400, "more than 32 deep"},
                        new Object[] {string, 413, "limit"})) {
                    long started = System.nanoTime();
                    HttpResponse<String> answer = post(key, (byte[]) hostile[0]);
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    System.out.printf("answered %d in %d ms: %s%n", answer.statusCode(), millis, answer.body());
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo((int) hostile[1]);
                    assertThat(answer.body()).contains((String) hostile[2]);
                    assertThat(millis).as("answered quickly").isLessThan(20_000);
                }

                // ten at once: each refused (or told to come back), and the API answers meanwhile
                ExecutorService pool = Executors.newFixedThreadPool(11);
                try {
                    AtomicBoolean sending = new AtomicBoolean(true);
                    AtomicLong slowestRead = new AtomicLong();
                    Future<Integer> reads = pool.submit(() -> {
                        int count = 0;
                        while (sending.get()) {
                            long started = System.nanoTime();
                            assertThat(get("/api/v1/agents", admin).statusCode())
                                    .isEqualTo(200);
                            slowestRead.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
                            count++;
                        }
                        return count;
                    });
                    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        byte[] body = i % 3 == 0 ? bomb : i % 3 == 1 ? deep : string;
                        sent.add(pool.submit(() -> post(key, body)));
                    }
                    for (Future<HttpResponse<String>> answer : sent) {
                        HttpResponse<String> response = answer.get();
                        assertThat(response.statusCode()).as(response.body()).isIn(400, 413, 503);
                        if (response.statusCode() == 503) {
                            assertThat(response.headers().firstValue("Retry-After"))
                                    .isPresent();
                        }
                    }
                    sending.set(false);
                    int answered = reads.get();
                    System.out.printf(
                            "the API answered %d reads meanwhile, the slowest in %d ms%n", answered, slowestRead.get());
                    assertThat(answered).isPositive();
                    assertThat(slowestRead.get()).as("the API is not stalled").isLessThan(10_000);
                } finally {
                    pool.shutdownNow();
                }
            } finally {
                heap.stop();
            }
            System.out.printf(
                    "heap: %d MiB before, at most %d MiB while refusing them%n", heap.baseline >> 20, heap.peak >> 20);
            assertThat(heap.peak - heap.baseline).as("heap growth").isLessThan(300L << 20);
            // and a real batch still goes in
            assertThat(post(key, gzip(batch("batch-after-01", "agent-after-01", "web-1", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
        }
    }

    /**
     * The bodies received at once are bounded too, not only the batches read: with virtual threads every upload would
     * otherwise hold up to 32 MiB before it reached the reading permits, and 50 of them would fill the heap.
     */
    @Test
    void uploadsBeyondTheReceivingBudgetAreAnswered503BeforeTheirBodyIsHeld() throws Exception {
        try (VigilServer server = start("sqlite")) {
            String key = server.bootstrap().intakeKey();
            int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
            int holding = (int) (Intake.MAX_RECEIVING_BYTES / Intake.MAX_DECOMPRESSED);
            List<java.net.Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < holding; i++) {
                    held.add(partialUpload(port, key));
                }
                Thread.sleep(500); // the held uploads reach the handler and take the budget
                try (java.net.Socket extra = partialUpload(port, key)) {
                    extra.setSoTimeout(15_000);
                    long started = System.nanoTime();
                    String status = new String(extra.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                    System.out.printf(
                            "upload %d answered '%s' in %d ms while %d held the budget%n",
                            holding + 1, status, (System.nanoTime() - started) / 1_000_000, holding);
                    assertThat(status).isEqualTo("HTTP/1.1 503");
                }
            } finally {
                for (java.net.Socket socket : held) {
                    socket.close();
                }
            }
            // the budget is given back when the held uploads end
            Thread.sleep(500);
            assertThat(post(key, gzip(batch("batch-after-02", "agent-after-02", "web-2", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
        }
    }

    /** A 32 MiB upload that sends its headers and 1 KiB of body, then waits. */
    private static java.net.Socket partialUpload(int port, String key) throws Exception {
        java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
        String head = "POST /intake/v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Encoding: gzip\r\nContent-Length: " + Intake.MAX_DECOMPRESSED + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(new byte[1024]);
        socket.getOutputStream().flush();
        return socket;
    }

    /**
     * A small body may inflate to 32 MiB of packages: what is held after reading (matching, storing, queueing) is
     * bounded by the decompressed size, not by the compressed bytes the receiving budget counts.
     */
    @Test
    void batchesReadAndNotYetAnsweredAreBoundedByTheirDecompressedSize() throws Exception {
        try (VigilServer server = start("sqlite")) {
            String orgId = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM organizations")
                            .mapTo(String.class)
                            .one());
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
            IntakeQueue slow = new IntakeQueue() {
                @Override
                public void submit(
                        String org,
                        String keyId,
                        String batchId,
                        vigil.model.batch.Source source,
                        byte[] body,
                        boolean gzip) {
                    peak.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    holding.decrementAndGet();
                }

                @Override
                public void startWorkers(vigil.spi.intake.BatchSink sink) {}

                @Override
                public String describe() {
                    return "held until released";
                }

                @Override
                public void close() {}
            };
            Intake intake = new Intake(server.database().jdbi(), queuedOnly(), Clock.systemUTC(), slow);
            vigil.server.auth.Principal principal = new vigil.server.auth.Principal(
                    orgId, "key", java.util.Set.of(vigil.server.auth.Permission.INTAKE), "key-1");
            long padding = 24L << 20;
            byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            byte[] json = JSON.writeValueAsBytes(batch("batch-held-01", "agent-held-01", "web-1", host("testpkg")));
            byte[] body = IntakeParseTest.gzip(out -> {
                for (long written = 0; written < padding; written += spaces.length) {
                    out.write(spaces);
                }
                out.write(json);
            });
            int senders = 10;
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            try {
                List<Future<Integer>> sent = new ArrayList<>();
                for (int i = 0; i < senders; i++) {
                    sent.add(pool.submit(() -> {
                        try {
                            intake.accept(principal, body, true);
                            return 202;
                        } catch (IntakeException e) {
                            return e.status();
                        }
                    }));
                }
                // wait until every sender is either held by the queue or answered
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (holding.get() + sent.stream().filter(Future::isDone).count() < senders
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                int refused = (int) sent.stream().filter(Future::isDone).count();
                System.out.printf(
                        "%d batches of %d KiB gzip (%d MiB decompressed) held at once, %d answered 503%n",
                        peak.get(), body.length >> 10, padding >> 20, refused);
                assertThat(peak.get() * padding).isLessThanOrEqualTo(Intake.MAX_HELD_BYTES);
                release.countDown();
                for (Future<Integer> answer : sent) {
                    assertThat(answer.get()).isIn(202, 503);
                }
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aKeyCannotWriteTheHostAnotherKeySentFirst(String store) throws Exception {
        try (VigilServer server = start(store)) {
            String keyA = server.bootstrap().intakeKey();
            String admin = login(server);
            String[] keyB = createKey(admin, "thief");
            String victim = "agent-victim-01";
            assertThat(post(keyA, gzip(batch("batch-a-0001", victim, "web-1", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(openFindings(admin)).isEqualTo(1);

            // another key names the host's agent id with an empty inventory: refused, the findings stay
            HttpResponse<String> stolen = post(keyB[1], gzip(batch("batch-b-0001", victim, "evil", host())));
            assertThat(stolen.statusCode()).as(stolen.body()).isEqualTo(403);
            assertThat(stolen.body())
                    .contains("agent id " + victim + " is bound to another intake API key ('local agent'")
                    .contains("DELETE /api/v1/agents/{id}/binding");
            assertThat(openFindings(admin)).isEqualTo(1);
            JsonNode agent = JSON.readTree(get("/api/v1/agents", admin).body())
                    .path("agents")
                    .get(0);
            assertThat(agent.path("hostname").asString()).isEqualTo("web-1");
            assertThat(agent.path("apiKey").path("name").asString()).isEqualTo("local agent");

            // rotation: a new key for the host is refused while the old one is active, and takes over once revoked
            String[] rotated = createKey(admin, "web-1 rotated");
            assertThat(post(rotated[1], gzip(batch("batch-a-0002", victim, "web-1", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(403);
            String keyAId = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM api_keys WHERE name = 'local agent'")
                            .mapTo(String.class)
                            .one());
            assertThat(send("DELETE", "/api/v1/api-keys/" + keyAId, admin, new byte[0])
                            .statusCode())
                    .isEqualTo(204);
            assertThat(post(rotated[1], gzip(batch("batch-a-0003", victim, "web-1", host("testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(post(keyB[1], gzip(batch("batch-b-0002", victim, "evil", host())))
                            .statusCode())
                    .as("the thief does not profit from the rotation")
                    .isEqualTo(403);
            assertThat(openFindings(admin)).isEqualTo(1);

            // an administrator releases the binding (the host really moved to the other key)
            assertThat(send("DELETE", "/api/v1/agents/" + victim + "/binding", keyB[1], new byte[0])
                            .statusCode())
                    .as("an intake key cannot release")
                    .isEqualTo(403);
            assertThat(send("DELETE", "/api/v1/agents/" + victim + "/binding", admin, new byte[0])
                            .statusCode())
                    .isEqualTo(204);
            assertThat(send("DELETE", "/api/v1/agents/no-such-agent/binding", admin, new byte[0])
                            .statusCode())
                    .isEqualTo(404);
            assertThat(post(keyB[1], gzip(batch("batch-b-0003", victim, "web-1", host())))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(openFindings(admin)).isZero();

            // the worker's path (Kafka): the check in the store's transaction refuses a key that lost the binding
            // (no inventories: nothing to match, so no section handler is needed)
            Intake direct = new Intake(server.database().jdbi(), java.util.Map.of(), Clock.systemUTC());
            String orgId = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM organizations")
                            .mapTo(String.class)
                            .one());
            Intake.ParsedBatch queued = Intake.parseBatch(gzip(batch("batch-q-0001", victim, "evil")), true);
            assertThatThrownBy(() -> direct.store(orgId, rotated[0], queued))
                    .isInstanceOf(Intake.BindingRefused.class)
                    .hasMessageContaining("bound to another intake API key ('thief'");
            long batches = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM batches WHERE batch_id = 'batch-q-0001'")
                            .mapTo(Long.class)
                            .one());
            assertThat(batches).as("nothing of the refused batch is stored").isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoKeysRegisteringOneNewAgentAtOnceHaveExactlyOneWinner(String store) throws Exception {
        try (VigilServer server = start(store)) {
            String admin = login(server);
            int keys = 4;
            List<String[]> created = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                created.add(createKey(admin, "racer " + i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(keys);
            try {
                for (int round = 0; round < 5; round++) {
                    String agentId = "agent-race-" + store + "-" + round;
                    CyclicBarrier start = new CyclicBarrier(keys);
                    Map<Integer, String> winners = new ConcurrentHashMap<>();
                    List<Future<Integer>> answers = new ArrayList<>();
                    for (int i = 0; i < keys; i++) {
                        int racer = i;
                        byte[] body = gzip(batch("batch-r" + round + "-" + i, agentId, "racer-" + i, host("testpkg")));
                        answers.add(pool.submit(() -> {
                            start.await();
                            HttpResponse<String> answer = post(created.get(racer)[1], body);
                            if (answer.statusCode() == 202) {
                                winners.put(racer, created.get(racer)[0]);
                            } else {
                                assertThat(answer.body()).contains("is bound to another intake API key");
                            }
                            return answer.statusCode();
                        }));
                    }
                    List<Integer> statuses = new ArrayList<>();
                    for (Future<Integer> answer : answers) {
                        statuses.add(answer.get());
                    }
                    assertThat(statuses).containsOnly(202, 403);
                    assertThat(winners).as("round %d: %s", round, statuses).hasSize(1);
                    String bound = server.database()
                            .jdbi()
                            .withHandle(h -> h.createQuery("SELECT key_id FROM intake_bindings WHERE subject = :s")
                                    .bind("s", "agent:" + agentId)
                                    .mapTo(String.class)
                                    .one());
                    assertThat(bound).isEqualTo(winners.values().iterator().next());
                }
            } finally {
                pool.shutdownNow();
            }
            // the store's duplicate key is recognised by its SQL state / result code
            RuntimeException duplicate = null;
            try {
                server.database()
                        .jdbi()
                        .useHandle(h -> h.execute("INSERT INTO intake_bindings (org_id, subject, key_id, bound_at)"
                                + " SELECT org_id, subject, key_id, bound_at FROM intake_bindings"));
            } catch (RuntimeException e) {
                duplicate = e;
            }
            assertThat(duplicate).isNotNull();
            assertThat(vigil.server.store.StoreErrors.duplicateKey(duplicate)).isTrue();
        }
    }

    /** The first batches of a new agent arriving at once (a spool drained in parallel) are all stored, none 500. */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentFirstBatchesOfOneNewAgentAreAllStored(String store) throws Exception {
        try (VigilServer server = start(store)) {
            String key = server.bootstrap().intakeKey();
            int batches = 4;
            ExecutorService pool = Executors.newFixedThreadPool(batches);
            try {
                for (int round = 0; round < 5; round++) {
                    String agentId = "agent-burst-" + store + "-" + round;
                    CyclicBarrier start = new CyclicBarrier(batches);
                    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                    for (int i = 0; i < batches; i++) {
                        byte[] body = gzip(batch("batch-b" + round + "-" + i, agentId, "burst", host("testpkg")));
                        answers.add(pool.submit(() -> {
                            start.await();
                            return post(key, body);
                        }));
                    }
                    for (Future<HttpResponse<String>> answer : answers) {
                        assertThat(answer.get().statusCode())
                                .as("round %d: %s", round, answer.get().body())
                                .isEqualTo(202);
                    }
                    long stored = server.database()
                            .jdbi()
                            .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM batches WHERE agent_id = :a")
                                    .bind("a", agentId)
                                    .mapTo(Long.class)
                                    .one());
                    assertThat(stored).isEqualTo(batches);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anImageCannotBeOverwrittenByAnotherKey() throws Exception {
        try (VigilServer server = start("sqlite")) {
            String keyA = server.bootstrap().intakeKey();
            String admin = login(server);
            String[] keyB = createKey(admin, "other team");
            String digest = "sha256:" + "ab".repeat(32);
            Inventory image = image("registry.example/shop:1.0", digest, "testpkg");
            assertThat(post(keyA, gzip(batch("batch-img-01", "agent-ci-0001", "ci-1", image)))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(openFindings(admin)).isEqualTo(1);
            // a different key (and agent) sends the same image digest with nothing in it
            HttpResponse<String> overwrite = post(
                    keyB[1],
                    gzip(batch("batch-img-02", "agent-ci-0002", "ci-2", image("registry.example/shop:1.0", digest))));
            assertThat(overwrite.statusCode()).as(overwrite.body()).isEqualTo(403);
            assertThat(overwrite.body()).contains("image " + digest + " is bound to another intake API key");
            assertThat(openFindings(admin)).isEqualTo(1);
            // an image without a digest is bound by its name the same way
            assertThat(post(
                                    keyA,
                                    gzip(batch(
                                            "batch-img-03",
                                            "agent-ci-0001",
                                            "ci-1",
                                            image("shop:dev", null, "testpkg"))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(post(keyB[1], gzip(batch("batch-img-04", "agent-ci-0002", "ci-2", image("shop:dev", null))))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(openFindings(admin)).isEqualTo(2);
            // an administrator releases the image; then the other key may send it
            assertThat(send("DELETE", "/api/v1/images/binding?image=" + digest, admin, new byte[0])
                            .statusCode())
                    .isEqualTo(204);
            assertThat(send("DELETE", "/api/v1/images/binding", admin, new byte[0])
                            .statusCode())
                    .isEqualTo(400);
            assertThat(post(
                                    keyB[1],
                                    gzip(batch(
                                            "batch-img-05",
                                            "agent-ci-0002",
                                            "ci-2",
                                            image("registry.example/shop:1.0", digest))))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(openFindings(admin)).isEqualTo(1);
        }
    }

    @Test
    void theSpoolAnAgentReportsIsKeptListedAndItsDropsShown() throws Exception {
        try (VigilServer server = start("sqlite")) {
            String key = server.bootstrap().intakeKey();
            String admin = login(server);
            ObjectNode old = batch("batch-sp-0001", "agent-spool-01", "web-1", host("testpkg"));
            assertThat(post(key, gzip(old)).statusCode()).isEqualTo(202);
            JsonNode listed = JSON.readTree(get("/api/v1/agents", admin).body()).path("agents");
            assertThat(listed.get(0).path("spool").isNull())
                    .as("an older agent reports no spool")
                    .isTrue();
            assertThat(get("/setup", admin).body()).doesNotContain("batches dropped");

            ObjectNode reporting = batch("batch-sp-0002", "agent-spool-01", "web-1", host("testpkg"));
            ((ObjectNode) reporting.path("agent"))
                    .putObject("spool")
                    .put("pending", 2)
                    .put("pendingBytes", 2048)
                    .put("dropped", 3)
                    .put("droppedBytes", 300_000);
            assertThat(post(key, gzip(reporting)).statusCode()).isEqualTo(202);
            JsonNode spool = JSON.readTree(get("/api/v1/agents", admin).body())
                    .path("agents")
                    .get(0)
                    .path("spool");
            assertThat(JSON.writeValueAsString(spool))
                    .isEqualTo("{\"pending\":2,\"pendingBytes\":2048,\"dropped\":3,\"droppedBytes\":300000,"
                            + "\"droppedSections\":{}}");
            String page = get("/setup", admin).body();
            assertThat(page).contains("3 batches dropped").contains("discarded 3 batches (300000 bytes)");

            // ADR 0031: kept sections a full spool dropped, per type, recorded with the batch and shown for the agent
            ((ObjectNode) reporting.path("agent").path("spool"))
                    .putObject("droppedSections")
                    .put("signals", 4);
            reporting.put("batchId", "batch-sp-0004");
            assertThat(post(key, gzip(reporting)).statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(get("/api/v1/agents", admin).body())
                            .path("agents")
                            .get(0)
                            .path("spool")
                            .path("droppedSections")
                            .toString())
                    .isEqualTo("{\"signals\":4}");
            assertThat(get("/setup", admin).body())
                    .contains("Its spool also dropped sections it keeps in order (signals: 4)");
            String agentRow = source(server, "batch-sp-0004");
            assertThat(agentRow).isEqualTo("agent/agent-spool-01/agent-spool-01");

            // a scan is a source without an agent: stored with no agent id, and no agent appears
            ObjectNode scan = JSON.createObjectNode().put("batchId", "batch-scan-0001");
            scan.putObject("source").put("kind", "scan").put("id", "ci-runner-0001");
            scan.putArray("sections").addObject().put("type", "inventory").set("cyclonedx", (ObjectNode)
                    batch("x", "agent-spool-01", "web-1", host("testpkg"))
                            .path("inventories")
                            .get(0));
            assertThat(post(key, gzip(scan)).statusCode()).isEqualTo(202);
            String scanRow = source(server, "batch-scan-0001");
            assertThat(scanRow).isEqualTo("scan/ci-runner-0001/none");
            assertThat(JSON.readTree(get("/api/v1/agents", admin).body()).path("agents"))
                    .hasSize(1);

            ((ObjectNode) reporting.path("agent")).put("spool", "full");
            reporting.put("batchId", "batch-sp-0003");
            HttpResponse<String> bad = post(key, gzip(reporting));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("agent.spool must be an object of four non-negative whole numbers");
        }
    }

    /** The heap's use sampled every few milliseconds: its level after a collection, and the most seen since. */
    private static final class HeapWatch {
        private final long baseline;
        private volatile long peak;
        private volatile boolean running = true;
        private final Thread thread;

        private HeapWatch() {
            System.gc();
            baseline = used();
            peak = baseline;
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    peak = Math.max(peak, used());
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static HeapWatch start() {
            return new HeapWatch();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private static long used() {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
    }

    private long openFindings(String admin) throws Exception {
        return JSON.readTree(get("/api/v1/findings?status=open", admin).body())
                .path("total")
                .asLong();
    }

    private String login(VigilServer server) throws Exception {
        VigilServer.Bootstrap first = server.bootstrap();
        HttpResponse<String> response = send(
                "POST",
                "/api/v1/login",
                null,
                ("{\"email\":\"" + first.email() + "\",\"password\":\"" + first.password() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("token").asString();
    }

    /** A new intake key: its id and token. */
    private String[] createKey(String admin, String name) throws Exception {
        HttpResponse<String> response = send(
                "POST",
                "/api/v1/api-keys",
                admin,
                ("{\"name\":\"" + name + "\",\"scope\":\"intake\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode key = JSON.readTree(response.body());
        return new String[] {key.path("id").asString(), key.path("token").asString()};
    }

    private HttpResponse<String> post(String key, byte[] gzipped) throws Exception {
        return send("POST", "/intake/v1/batches", key, gzipped, "Content-Encoding", "gzip");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, token, new byte[0]);
    }

    private HttpResponse<String> send(
            String method, String path, @Nullable String token, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A stored batch's {@code source_kind/source_id/agent_id} ({@code none} for no agent). */
    private static String source(VigilServer server, String batchId) {
        return server.database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT source_kind || '/' || source_id || '/'"
                                + " || COALESCE(agent_id, 'none') FROM batches WHERE batch_id = :id")
                        .bind("id", batchId)
                        .mapTo(String.class)
                        .one());
    }

    private static ObjectNode batch(String batchId, String agentId, String hostname, Inventory... inventories) {
        ObjectNode batch = IntakeParseTest.batch(batchId);
        ((ObjectNode) batch.path("agent")).put("id", agentId).put("hostname", hostname);
        var list = batch.putArray("inventories");
        for (Inventory inventory : inventories) {
            list.add(CycloneDx.tree(inventory, List.of(), "test", UUID.randomUUID()));
        }
        return batch;
    }

    private static byte[] gzip(ObjectNode batch) throws Exception {
        return IntakeParseTest.gzip(batch);
    }

    private static Inventory host(String... packages) {
        return IntakeParseTest.host(packages);
    }

    private static Inventory image(String name, @Nullable String digest, String... packages) {
        Inventory like = IntakeParseTest.host(packages);
        return new Inventory(
                new Target(Target.Kind.IMAGE, name, digest),
                like.os(),
                OsSupport.supported("Debian 12 is supported"),
                like.packages(),
                List.of(),
                Instant.now());
    }

    /**
     * A handler of the inventories section for an intake whose batches are only queued: it claims the section (so the
     * batch is accepted) and is never asked to store one.
     */
    private static java.util.Map<String, vigil.server.wing.SectionHandler> queuedOnly() {
        return java.util.Map.of(Intake.INVENTORIES, new vigil.server.wing.SectionHandler() {
            @Override
            public String section() {
                return Intake.INVENTORIES;
            }

            @Override
            public boolean present(Intake.ParsedBatch batch) {
                return !batch.inventories().isEmpty();
            }

            @Override
            public Prepared prepare(Intake.ParsedBatch batch) {
                throw new AssertionError("a queued batch is stored by the queue's workers, not here");
            }
        });
    }
}
