package vigil.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

/**
 * Agent batches are untrusted: a parsed batch or a 400/413 IntakeException, never anything else. The streaming
 * reader is fuzzed with raw bytes and with batches built from a valid one (structure-aware: nesting, repeated
 * components and inventories, long strings, odd spools and targets), so the fuzzer reaches its limits quickly.
 */
class IntakeFuzzTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static void check(byte[] body, boolean gzip) {
        try {
            Intake.ParsedBatch batch = Intake.parseBatch(body, gzip);
            assertThat(batch.batchId()).matches("^[A-Za-z0-9._:-]{8,64}$");
            assertThat(batch.hostname()).isNotBlank();
            assertThat(batch.inventories().size()).isLessThanOrEqualTo(64);
            assertThat(batch.inventories().stream()
                            .mapToInt(inventory -> inventory.packages().size())
                            .sum())
                    .isLessThanOrEqualTo(100_000);
            Intake.Spool spool = batch.spool();
            if (spool != null) {
                assertThat(java.util.List.of(
                                spool.pending(), spool.pendingBytes(), spool.dropped(), spool.droppedBytes()))
                        .allMatch(value -> value >= 0);
            }
        } catch (IntakeException expected) {
            assertThat(expected.status()).isIn(400, 413);
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void plainBatches(byte[] input) {
        check(input, false);
    }

    @FuzzTest(maxDuration = "10s")
    void gzippedBatches(byte[] input) throws IOException {
        check(input, true);
        check(gzip(input), true);
    }

    /** A valid batch changed where and how the fuzzer chooses. */
    @FuzzTest(maxDuration = "10s")
    void structuredBatches(FuzzedDataProvider data) throws IOException {
        ObjectNode batch = validBatch();
        ObjectNode agent = (ObjectNode) batch.path("agent");
        ArrayNode inventories = (ArrayNode) batch.path("inventories");
        ObjectNode inventory = (ObjectNode) inventories.get(0);
        ArrayNode components = (ArrayNode) inventory.path("components");
        int steps = data.consumeInt(0, 8);
        for (int step = 0; step < steps && data.remainingBytes() > 0; step++) {
            switch (data.consumeInt(0, 9)) {
                case 0 -> { // many components, possibly past the array limit
                    JsonNode component = components.get(components.size() - 1);
                    int copies = data.consumeInt(0, 120_000);
                    for (int i = 0; i < copies && within(inventories, components); i++) {
                        components.add(component);
                    }
                }
                case 1 -> { // many inventories
                    int copies = data.consumeInt(0, 80);
                    for (int i = 0; i < copies && within(inventories, components); i++) {
                        inventories.add(inventory);
                    }
                }
                case 2 -> { // nesting in a fact
                    JsonNode nested = JSON.getNodeFactory().nullNode();
                    int depth = data.consumeInt(0, 60);
                    for (int i = 0; i < depth; i++) {
                        nested = i % 2 == 0
                                ? JSON.createArrayNode().add(nested)
                                : JSON.createObjectNode().set("a", nested);
                    }
                    ((ObjectNode) agent.path("facts")).set("nested", nested);
                }
                case 3 -> // a long string somewhere that is read
                    agent.put("hostname", "h".repeat(data.consumeInt(0, 1_100_000)));
                case 4 ->
                    agent.set(
                            "spool",
                            JSON.createObjectNode()
                                    .put("pending", data.consumeLong())
                                    .put("pendingBytes", data.consumeLong())
                                    .put("dropped", data.consumeLong())
                                    .put("droppedBytes", data.consumeLong()));
                case 5 -> agent.put("spool", data.consumeString(20));
                case 6 ->
                    components
                            .addObject()
                            .put("type", "library")
                            .put("purl", data.consumeString(200))
                            .put("version", data.consumeString(20));
                case 7 ->
                    ((ObjectNode) inventory.path("metadata").path("component"))
                            .putArray("properties")
                            .addObject()
                            .put("name", "vigil:target:kind")
                            .put("value", data.pickValue(new String[] {"image", "host", "rootfs", "sbom", ""}));
                case 8 -> batch.put(data.consumeString(10), data.consumeString(50));
                default -> batch.put("batchId", data.consumeString(70));
            }
        }
        byte[] json = JSON.writeValueAsBytes(batch);
        boolean compress = data.consumeBoolean();
        check(compress ? gzip(json) : json, compress);
    }

    /**
     * Copies share one node, so inventories times components is what gets written: past the server's limits, but
     * bounded so that the test's own serialisation fits its heap (80 inventories of 120,000 components did not).
     */
    private static boolean within(ArrayNode inventories, ArrayNode components) {
        return (long) inventories.size() * components.size() < 400_000;
    }

    private static ObjectNode validBatch() throws IOException {
        try (InputStream in =
                IntakeFuzzTest.class.getResourceAsStream("IntakeFuzzTestInputs/plainBatches/valid-heartbeat")) {
            ObjectNode batch = (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            ((ObjectNode) batch.path("inventories").get(0))
                    .putObject("metadata")
                    .putObject("component")
                    .put("name", "web-1");
            return batch;
        }
    }

    private static byte[] gzip(byte[] input) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(input);
        }
        return compressed.toByteArray();
    }
}
