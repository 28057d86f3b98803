package vigil.server.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.Target;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.spi.intake.IntakeException;

class IntakeParseTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Intake intake =
            new Intake(org.jdbi.v3.core.Jdbi.create("jdbc:sqlite::memory:"), java.util.Map.of(), Clock.systemUTC());
    private final Principal agent = new Principal("org", "key", Set.of(Permission.INTAKE), "key-id");

    @Test
    void bodiesThatAreNotGzipAreMalformed() {
        assertThatThrownBy(() -> intake.accept(agent, "not gzip".getBytes(StandardCharsets.UTF_8), true))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining("decompressed");
    }

    @Test
    void decompressionBombsAreTooLarge() throws Exception {
        byte[] spaces = new byte[1 << 20];
        java.util.Arrays.fill(spaces, (byte) ' ');
        byte[] bomb = gzip(out -> {
            out.write('{');
            for (int i = 0; i < 260; i++) {
                out.write(spaces);
            }
        });
        assertRefused(bomb, 413, "larger than 32 MiB once decompressed, the limit per batch");
    }

    /**
     * The bomb: 250 MiB of {@code {},} in a 249 KB body. Read as a tree it took 6.4 GB; read as a stream it
     * stops at the array limit, after a fraction of a MiB.
     */
    @Test
    void anArrayOfEmptyObjectsStopsAtTheElementLimitWithBoundedMemory() throws Exception {
        for (String[] container : List.of(
                new String[] {"{\"batchId\":\"batch-bomb-01\",\"padding\":[", "413", "100000 elements"},
                new String[] {
                    "{\"batchId\":\"batch-bomb-02\",\"inventories\":[{\"bomFormat\":\"CycloneDX\",\"components\":[",
                    "413",
                    "100000 elements"
                },
                // an inventory that is no CycloneDX document is refused as soon as it is read
                new String[] {"{\"batchId\":\"batch-bomb-03\",\"inventories\":[", "400", "not a CycloneDX document"})) {
            byte[] bomb = emptyObjects(container[0], 250L << 20);
            assertThat(bomb.length).isLessThan(300_000);
            long allocated = allocatedBy(() -> assertRefused(bomb, Integer.parseInt(container[1]), container[2]));
            System.out.printf(
                    "bomb %s: %d bytes of gzip, %d bytes allocated reading it%n", container, bomb.length, allocated);
            assertThat(allocated).as("bytes allocated reading it").isLessThan(64L << 20);
        }
    }

    @Test
    void deepNestingIsRefusedBeforeTheParserRecursesDeep() throws Exception {
        byte[] deep = gzip(out -> {
            out.write("{\"batchId\":\"batch-deep-01\",\"agent\":{\"facts\":".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 1_000_000; i++) {
                out.write(i % 2 == 0 ? '[' : '{');
                if (i % 2 == 1) {
                    out.write("\"a\":".getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        assertRefused(deep, 400, "more than 32 deep");
    }

    @Test
    void aHugeStringIsRefusedWithoutHoldingIt() throws Exception {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'a');
        for (String field : List.of("batchId", "skipped")) {
            byte[] huge = gzip(out -> {
                out.write(("{\"" + field + "\":\"").getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 200; i++) {
                    out.write(chunk);
                }
                out.write("\"}".getBytes(StandardCharsets.UTF_8));
            });
            long allocated = allocatedBy(() -> assertRefused(huge, 413, "limit"));
            System.out.printf("200 MiB string in %s: %d bytes allocated reading it%n", field, allocated);
            assertThat(allocated).isLessThan(128L << 20);
        }
    }

    @Test
    void inventoriesAndComponentsAreLimitedPerBatch() throws Exception {
        ObjectNode many = batch("batch-many-01");
        ArrayNode inventories = many.putArray("inventories");
        for (int i = 0; i <= BatchReader.MAX_INVENTORIES; i++) {
            inventories.add(CycloneDx.tree(host("a"), List.of(), "test", UUID.randomUUID()));
        }
        assertRefused(gzip(many), 413, "more than 64 inventories");

        // 30,000 small components in each of four inventories: each array is within its limit, the batch is not
        ObjectNode big = batch("batch-many-02");
        ArrayNode four = big.putArray("inventories");
        ObjectNode tree = JSON.createObjectNode().put("bomFormat", "CycloneDX");
        ArrayNode components = tree.putArray("components");
        for (int i = 0; i < 30_000; i++) {
            components.addObject().put("type", "library").put("purl", "pkg:deb/debian/p" + i + "@1-1?distro=debian-12");
        }
        for (int i = 0; i < 4; i++) {
            four.add(tree);
        }
        assertRefused(gzip(big), 413, "more than 100000 components");
    }

    @Test
    void aTargetNameTooLongToKeyIsMalformed() throws Exception {
        ObjectNode batch = batch("batch-name-01");
        Inventory host = host("a");
        Inventory image = new Inventory(
                new Target(Target.Kind.IMAGE, "registry.example/" + "x".repeat(500), null),
                host.os(),
                host.osSupport(),
                host.packages(),
                List.of(),
                host.createdAt());
        batch.putArray("inventories").add(CycloneDx.tree(image, List.of(), "test", UUID.randomUUID()));
        assertRefused(gzip(batch), 400, "of more than 400 characters");
    }

    @Test
    void aRealSizedBatchIsReadAsTheTreeReaderReadsIt() throws Exception {
        String[] names = new String[5_000]; // the largest real images
        for (int i = 0; i < names.length; i++) {
            names[i] = "package-" + i;
        }
        Inventory host = host(names);
        ObjectNode batch = batch("batch-real-01");
        ObjectNode tree = CycloneDx.tree(host, List.of(), "test", UUID.randomUUID());
        batch.putArray("inventories").add(tree);
        Intake.ParsedBatch parsed = Intake.parseBatch(gzip(batch), true);
        Inventory expected = CycloneDx.read(
                new ByteArrayInputStream(JSON.writeValueAsBytes(tree)), "inventory 0 of batch batch-real-01", true);
        assertThat(parsed.inventories()).containsExactly(expected);
        assertThat(parsed.inventories().get(0).packages()).hasSize(5_000);
        assertThat(parsed.spool()).isNull();
    }

    @Test
    void theSpoolIsReadWhenReportedAndItsShapeChecked() throws Exception {
        ObjectNode batch = batch("batch-spool-01");
        ((ObjectNode) batch.path("agent"))
                .putObject("spool")
                .put("pending", 3)
                .put("pendingBytes", 4096)
                .put("dropped", 2)
                .put("droppedBytes", 9_000_000_000L);
        assertThat(Intake.parseBatch(gzip(batch), true).spool())
                .isEqualTo(new Intake.Spool(3, 4096, 2, 9_000_000_000L));
        for (String bad : List.of(
                "[1,2,3,4]",
                "{\"pending\":-1,\"pendingBytes\":0,\"dropped\":0,\"droppedBytes\":0}",
                "{\"pending\":1.5,\"pendingBytes\":0,\"dropped\":0,\"droppedBytes\":0}",
                "{\"pending\":\"1\",\"pendingBytes\":0,\"dropped\":0,\"droppedBytes\":0}",
                "{\"pending\":1,\"pendingBytes\":0,\"dropped\":0}",
                "{\"pending\":1,\"pendingBytes\":0,\"dropped\":0,\"droppedBytes\":99999999999999999999}")) {
            ((ObjectNode) batch.path("agent")).set("spool", JSON.readTree(bad));
            assertRefused(gzip(batch), 400, "agent.spool must be");
        }
    }

    /** Version 2 (ADR 0030, 0031): inventory sections read as version 1's inventories, the source named. */
    @Test
    void aVersion2EnvelopeIsReadAsItsVersion1Twin() throws Exception {
        ObjectNode tree = CycloneDx.tree(host("curl", "zlib1g"), List.of(), "test", UUID.randomUUID());
        ObjectNode v1 = batch("batch-v1-0001");
        v1.putArray("inventories").add(tree);
        ObjectNode v2 = batch("batch-v2-0001");
        v2.putObject("source").put("kind", "agent").put("id", "agent-0001-test");
        v2.putArray("sections").addObject().put("type", "inventory").set("cyclonedx", tree);
        Intake.ParsedBatch one = Intake.parseBatch(gzip(v1), true);
        Intake.ParsedBatch two = Intake.parseBatch(gzip(v2), true);
        assertThat(two.inventories()).isEqualTo(one.inventories()).hasSize(1);
        assertThat(two.source()).isEqualTo(one.source()).isEqualTo(vigil.model.batch.Source.agent("agent-0001-test"));
        assertThat(two.fromAnAgent()).isTrue();

        // a scan has no agent: none is needed, and none is read
        ObjectNode scan = JSON.createObjectNode().put("batchId", "batch-scan-0001");
        scan.putObject("source").put("kind", "scan").put("id", "ci-runner-0001");
        scan.putArray("sections").addObject().put("type", "inventory").set("cyclonedx", tree);
        Intake.ParsedBatch scanned = Intake.parseBatch(gzip(scan), true);
        assertThat(scanned.source())
                .isEqualTo(new vigil.model.batch.Source(vigil.model.batch.Source.Kind.SCAN, "ci-runner-0001"));
        assertThat(scanned.fromAnAgent()).isFalse();
        assertThat(scanned.inventories()).isEqualTo(one.inventories());
    }

    @Test
    void sectionsNoWingClaimsAreRefusedWith422NamingThem() throws Exception {
        for (String type : List.of("signals", "posture", "identity")) {
            ObjectNode batch = batch("batch-" + type + "-01");
            ArrayNode sections = batch.putArray("sections");
            sections.addObject().put("type", type).putArray("events");
            assertRefused(
                    gzip(batch), 422, "has a '" + type + "' section (section 0), which this server does not take");
            assertThat(intake.storeQueued("org", "key-id", gzip(batch), true))
                    .isInstanceOfSatisfying(
                            vigil.spi.intake.BatchSink.NotABatch.class,
                            refused -> assertThat(refused.reason()).contains("'" + type + "' section"));
        }
        ObjectNode unknown = batch("batch-unknown-01");
        unknown.putArray("sections").addObject().put("type", "telemetry");
        assertRefused(gzip(unknown), 400, "type 'telemetry'");
        ObjectNode both = batch("batch-both-0001");
        both.putArray("inventories");
        both.putArray("sections");
        assertRefused(gzip(both), 400, "or both");
        ObjectNode mismatch = batch("batch-mism-0001");
        mismatch.putObject("source").put("kind", "agent").put("id", "another-agent-01");
        assertRefused(gzip(mismatch), 400, "source.id (another-agent-01) and agent.id differ");
        ObjectNode badKind = batch("batch-kind-0001");
        badKind.putObject("source").put("kind", "robot").put("id", "robot-000001");
        assertRefused(gzip(badKind), 400, "source.kind must be");
    }

    @Test
    void droppedSectionsAreReadPerTypeAndTheirShapeChecked() throws Exception {
        ObjectNode batch = batch("batch-drop-0001");
        ((ObjectNode) batch.path("agent"))
                .putObject("spool")
                .put("pending", 0)
                .put("pendingBytes", 0)
                .put("dropped", 0)
                .put("droppedBytes", 0)
                .putObject("droppedSections")
                .put("signals", 7);
        assertThat(Intake.parseBatch(gzip(batch), true).droppedSections())
                .containsExactly(java.util.Map.entry("signals", 7L));
        for (String bad : List.of("[1]", "{\"signals\":-1}", "{\"telemetry\":1}", "{\"signals\":\"7\"}")) {
            ((ObjectNode) batch.path("agent").path("spool")).set("droppedSections", JSON.readTree(bad));
            assertRefused(gzip(batch), 400, "agent.spool.droppedSections must be");
        }
    }

    @Test
    void atMostFourBatchesAreReadAtOnceAndMoreGet503() throws Exception {
        // bodies that take a while to read: 30 MiB of spaces around a valid batch
        ObjectNode batch = batch("batch-slow-01");
        byte[] json = JSON.writeValueAsBytes(batch);
        byte[] spaces = new byte[1 << 20];
        java.util.Arrays.fill(spaces, (byte) ' ');
        byte[] slow = gzip(out -> {
            for (int i = 0; i < 30; i++) {
                out.write(spaces);
            }
            out.write(json);
        });
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Intake.ParsedBatch>> reads = new ArrayList<>();
            Intake limited = new Intake(
                    org.jdbi.v3.core.Jdbi.create("jdbc:sqlite::memory:"), java.util.Map.of(), Clock.systemUTC());
            for (int i = 0; i < 12; i++) {
                reads.add(pool.submit(() -> {
                    try {
                        return limited.read(slow, true);
                    } catch (IntakeException e) {
                        assertThat(e.status()).isEqualTo(503);
                        return null;
                    }
                }));
            }
            for (Future<Intake.ParsedBatch> read : reads) {
                read.get();
            }
            System.out.println("batches read at once at most: " + limited.parsingPeak());
            assertThat(limited.parsingPeak()).isBetween(2, Intake.MAX_PARSING);
        } finally {
            pool.shutdownNow();
        }
        // every permit taken: the next batch waits a little, then gets 503 saying what happens next
        Intake busy =
                new Intake(org.jdbi.v3.core.Jdbi.create("jdbc:sqlite::memory:"), java.util.Map.of(), Clock.systemUTC());
        busy.parsingPermits().acquire(Intake.MAX_PARSING);
        assertThatThrownBy(() -> busy.read(gzip(batch), true))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining("reading 4 batches already")
                .hasMessageContaining("retries later")
                .satisfies(e -> assertThat(((IntakeException) e).status()).isEqualTo(503));
    }

    @Test
    void duplicateKeysAreRecognisedByTheirResultCodeNotTheirText() {
        var jdbi = org.jdbi.v3.core.Jdbi.create("jdbc:sqlite::memory:");
        jdbi.useHandle(handle -> {
            handle.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, other TEXT NOT NULL)");
            handle.execute("INSERT INTO t VALUES (1, 'a', 'x')");
            assertThat(vigil.server.store.StoreErrors.duplicateKey(
                            failure(() -> handle.execute("INSERT INTO t VALUES (1, 'b', 'x')"))))
                    .isTrue();
            assertThat(vigil.server.store.StoreErrors.duplicateKey(
                            failure(() -> handle.execute("INSERT INTO t VALUES (2, 'a', 'x')"))))
                    .isTrue();
            assertThat(vigil.server.store.StoreErrors.duplicateKey(
                            failure(() -> handle.execute("INSERT INTO t VALUES (3, 'c', NULL)"))))
                    .as("a NOT NULL constraint is no duplicate")
                    .isFalse();
        });
        assertThat(vigil.server.store.StoreErrors.duplicateKey(
                        new IllegalStateException("UNIQUE constraint failed: not from a database")))
                .isFalse();
    }

    private static RuntimeException failure(Runnable statement) {
        try {
            statement.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the statement did not fail");
    }

    /** A section of another type is carried whole, type included, for the wing that claims it; the core reads none. */
    @Test
    void otherSectionsAreCarriedAsTreesInOrder() throws Exception {
        ObjectNode batch = batch("batch-carry-001");
        ArrayNode sections = batch.putArray("sections");
        sections.addObject().putArray("signals").addObject().put("id", "s1");
        ((ObjectNode) sections.get(0)).put("type", "signals"); // the type may come after the content
        sections.addObject()
                .put("type", "inventory")
                .set("cyclonedx", CycloneDx.tree(host("curl"), List.of(), "test", UUID.randomUUID()));
        sections.addObject().put("type", "signals").putObject("sensor").put("state", "off");
        Intake.ParsedBatch parsed = Intake.parseBatch(gzip(batch), true);
        assertThat(parsed.inventories()).hasSize(1);
        assertThat(parsed.sections()).extracting(Intake.Section::index).containsExactly(0, 2);
        assertThat(parsed.sections("signals")).hasSize(2);
        assertThat(parsed.sections("posture")).isEmpty();
        assertThat(parsed.sections()
                        .get(0)
                        .body()
                        .path("signals")
                        .get(0)
                        .path("id")
                        .asString())
                .isEqualTo("s1");
        assertThat(parsed.sections().get(1).body().path("type").asString()).isEqualTo("signals");

        ObjectNode cyclone = batch("batch-carry-002");
        cyclone.putArray("sections")
                .addObject()
                .put("type", "signals")
                .set("cyclonedx", CycloneDx.tree(host("curl"), List.of(), "test", UUID.randomUUID()));
        assertRefused(gzip(cyclone), 400, "only inventory sections carry one");
    }

    /** What the sections other than inventories hold is bounded per batch, whatever their number. */
    @Test
    void otherSectionsAreBoundedTogether() throws Exception {
        ObjectNode batch = batch("batch-bound-001");
        ArrayNode sections = batch.putArray("sections");
        for (int s = 0; s < 12; s++) {
            ArrayNode values = sections.addObject().put("type", "signals").putArray("signals");
            for (int i = 0; i < 90_000; i++) {
                values.add(i);
            }
        }
        assertRefused(gzip(batch), 413, "the limit for the sections of a batch other than inventories");
    }

    /** A wing checks its sections before anything is stored: its 400 refuses the batch, on both paths. */
    @Test
    void aWingChecksTheSectionsItClaims() throws Exception {
        vigil.server.wing.SectionHandler strict = new vigil.server.wing.SectionHandler() {
            @Override
            public String section() {
                return "signals";
            }

            @Override
            public boolean present(Intake.ParsedBatch batch) {
                return !batch.sections("signals").isEmpty();
            }

            @Override
            public void check(Intake.ParsedBatch batch) throws IntakeException {
                throw new IntakeException(400, "signals section 0, signal 0: \"rule_id\" is missing");
            }

            @Override
            public Prepared prepare(Intake.ParsedBatch batch) {
                throw new AssertionError("a batch that failed its check is never prepared");
            }
        };
        Intake claimed = new Intake(
                org.jdbi.v3.core.Jdbi.create("jdbc:sqlite::memory:"),
                java.util.Map.of("signals", strict),
                Clock.systemUTC());
        ObjectNode batch = batch("batch-check-001");
        batch.putArray("sections").addObject().put("type", "signals").putArray("signals");
        assertThatThrownBy(() -> claimed.accept(agent, gzip(batch), true))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining("\"rule_id\" is missing")
                .satisfies(e -> assertThat(((IntakeException) e).status()).isEqualTo(400));
        assertThat(claimed.storeQueued("org", "key-id", gzip(batch), true))
                .isInstanceOfSatisfying(
                        vigil.spi.intake.BatchSink.NotABatch.class,
                        refused -> assertThat(refused.reason()).contains("\"rule_id\" is missing"));
    }

    /**
     * A server without the wing that stores inventories refuses a batch carrying them (422, naming the section and
     * why), before anything is stored or queued; one without inventories is not refused for that.
     */
    @Test
    void aSectionNoWingStoresIsRefused() throws Exception {
        ObjectNode batch = batch("batch-nowing-01");
        batch.putArray("inventories")
                .add(CycloneDx.tree(host("testpkg"), List.of(), "test", java.util.UUID.randomUUID()));
        assertRefused(gzip(batch), 422, "carries inventories, but this server has no capability that stores them");
        assertThat(intake.storeQueued("org", "key-id", gzip(batch), true))
                .isInstanceOfSatisfying(
                        vigil.spi.intake.BatchSink.NotABatch.class,
                        refused -> assertThat(refused.reason()).contains("built without the vulnerability wing"));
    }

    private void assertRefused(byte[] body, int status, String message) {
        assertThatThrownBy(() -> intake.accept(agent, body, true))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((IntakeException) e).status()).isEqualTo(status));
    }

    /** Bytes the current thread allocates while running {@code action}. */
    static long allocatedBy(Runnable action) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** {@code prefix} followed by {@code {},} up to {@code size} bytes, gzipped (never closed: it need not be). */
    static byte[] emptyObjects(String prefix, long size) throws IOException {
        byte[] block = "{},".repeat(1 << 18).getBytes(StandardCharsets.UTF_8);
        return gzip(out -> {
            out.write(prefix.getBytes(StandardCharsets.UTF_8));
            for (long written = 0; written < size; written += block.length) {
                out.write(block);
            }
        });
    }

    interface Writing {
        void to(OutputStream out) throws IOException;
    }

    static byte[] gzip(Writing writing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            writing.to(gzip);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(ObjectNode batch) throws IOException {
        return gzip(out -> out.write(JSON.writeValueAsBytes(batch)));
    }

    static ObjectNode batch(String batchId) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        ObjectNode agent = batch.putObject("agent");
        agent.put("id", "agent-0001-test");
        agent.put("hostname", "web-1");
        agent.put("version", "0.1.0");
        agent.put("deployment", "linux");
        agent.putObject("facts").put("kernel", "6.1.0");
        agent.putArray("capabilities");
        return batch;
    }

    static Inventory host(String... packages) {
        List<InstalledPackage> installed = new ArrayList<>();
        for (String name : packages) {
            installed.add(new InstalledPackage(
                    PackageType.DEB,
                    name,
                    null,
                    "1.0",
                    "1",
                    "amd64",
                    name, // Debian advisories name source packages
                    "1.0-1",
                    List.of("MIT"),
                    List.of(),
                    "pkg:deb/debian/" + name + "@1.0-1?arch=amd64&distro=debian-12"));
        }
        return new Inventory(
                new Target(Target.Kind.HOST, "/", null),
                new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12 (bookworm)"),
                OsSupport.supported("Debian 12 is supported"),
                installed,
                List.of(),
                Instant.parse("2026-12-01T00:00:00Z"));
    }
}
