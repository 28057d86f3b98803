package vigil.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.collect.Collector;
import vigil.agent.collect.SpoolPolicy;
import vigil.agent.facts.FactCollector;
import vigil.features.matrix.FeatureMatrix;
import vigil.inventory.dpkg.DpkgCataloger;
import vigil.model.batch.SectionType;

/** What an agent's batch carries to the server: the spool's status, and scan warnings without file text. */
class BatchMakerTest {
    private static final String SECRET = "VIGIL_ADMIN_PASSWORD=Tr0ub4dor-and-3-horses";

    @TempDir
    Path temp;

    /** A Debian host whose dpkg database has a line that is no field: the admin password of a hostile link's file. */
    private BatchMaker maker() throws Exception {
        Path host = temp.resolve("host");
        write(host, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        write(host, "proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
        write(host, "var/lib/dpkg/status", """
                Package: base-files
                Status: install ok installed
                Architecture: amd64
                Version: 12.4+deb12u5
                %s
                Source: 'quoted %s'

                """.formatted(SECRET, SECRET));
        FactCollector collector = new FactCollector(
                Files.createDirectories(temp.resolve("root")),
                host,
                Map.of("VIGIL_DEPLOYMENT", "linux"),
                "Linux",
                "amd64",
                "0.1.0",
                (command, timeout) -> Optional.empty(),
                HttpClient.newHttpClient());
        return new BatchMaker(
                temp.resolve("agent"),
                collector,
                FeatureMatrix.defaults(),
                List.of(new DpkgCataloger()),
                Clock.systemUTC());
    }

    private static void write(Path root, String path, String text) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String text(BatchMaker.Batch batch) throws Exception {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(batch.gzipped()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A collector that keeps its batches (as a signals collector will), each of one event. */
    private static final class TestSignals implements Collector {
        int collected;

        @Override
        public SectionType section() {
            return SectionType.SIGNALS;
        }

        @Override
        public SpoolPolicy policy() {
            return SpoolPolicy.KEEP;
        }

        @Override
        public List<ObjectNode> collect() {
            ObjectNode section = JsonMapper.builder().build().createObjectNode();
            section.putArray("events").addObject().put("n", ++collected);
            return List.of(section);
        }
    }

    /**
     * ADR 0031: a KEEP collector's batches are version 2 envelopes of its sections; those a full spool drops are
     * counted per section and the next batch carries the count to the server.
     */
    @Test
    void aKeepCollectorsDroppedBatchesAreCountedAndReportedInTheNextBatch() throws Exception {
        BatchMaker maker = maker();
        Spool spool = new Spool(temp.resolve("spool"), 1);
        List<BatchMaker.Batch> made = new ArrayList<>();
        AgentRunner runner = new AgentRunner(
                (withInventory, status) -> maker.make(false, List.of(), status),
                (collector, status) -> {
                    BatchMaker.Batch batch = maker.make(collector, status);
                    made.add(batch);
                    return batch;
                },
                spool,
                new Uploader(HttpClient.newHttpClient(), java.net.URI.create("http://127.0.0.1:9"), "unused"),
                List.of(new TestSignals()));
        runner.make(false);
        runner.make(false);
        JsonNode first = JsonMapper.builder().build().readTree(text(made.get(0)));
        assertThat(first.path("source").toString()).contains("\"kind\":\"agent\"");
        assertThat(first.path("sections").get(0).path("type").asString()).isEqualTo("signals");
        assertThat(first.path("sections").get(0).path("events").get(0).path("n").asInt())
                .isEqualTo(1);
        // a one-byte bound: each cycle's signals batch is over it once the heartbeat has been dropped
        assertThat(spool.status().droppedSections()).containsEntry("signals", 2L);
        BatchMaker.Batch next = maker.make(false, List.of(), spool.status());
        JsonNode reported = JsonMapper.builder().build().readTree(text(next));
        assertThat(reported.path("agent").path("spool").path("droppedSections").toString())
                .isEqualTo("{\"signals\":2}");
    }

    @Test
    void aBatchCarriesTheSpoolsStatusInTheShapeTheServerReads() throws Exception {
        Spool.Status status =
                new Spool.Status(3, 4096, 1 << 20, 7, 70_000, Instant.parse("2026-12-01T10:00:00Z"), null, null, null);
        JsonNode batch = JsonMapper.builder().build().readTree(text(maker().make(false, List.of(), status)));
        assertThat(batch.path("agent").path("spool").toString())
                .isEqualTo("{\"pending\":3,\"pendingBytes\":4096,\"dropped\":7,\"droppedBytes\":70000}");
        assertThat(JsonMapper.builder()
                        .build()
                        .readTree(text(maker().make(false, List.of())))
                        .path("agent")
                        .has("spool"))
                .as("vigil scan --send-to has no spool")
                .isFalse();
    }

    @Test
    void scanWarningsArriveAsTheFileAndTheProblemNeverTheFilesText() throws Exception {
        BatchMaker.Batch batch = maker().make(true, List.of(), null);
        assertThat(batch.hostInventory()).isTrue();
        String text = text(batch);
        assertThat(text).doesNotContain("Tr0ub4dor").doesNotContain("VIGIL_ADMIN_PASSWORD");
        JsonNode properties = JsonMapper.builder()
                .build()
                .readTree(text)
                .path("inventories")
                .path(0)
                .path("metadata")
                .path("properties");
        List<String> warnings = new ArrayList<>();
        properties.forEach(p ->
                warnings.add(p.path("name").asString() + " " + p.path("value").asString()));
        assertThat(warnings)
                .anySatisfy(w -> assertThat(w)
                        .startsWith("vigil:warning /var/lib/dpkg/status")
                        .endsWith("line 5: " + UploadedWarnings.WITHHELD + " is not a 'Field: value' line; skipped"));
        assertThat(warnings)
                .anySatisfy(w -> assertThat(w)
                        .endsWith("package base-files has an unreadable Source field " + UploadedWarnings.WITHHELD));
    }

    @Test
    void warningsAreCappedInLengthAndNumberAndLoseControlCharacters() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add("/var/lib/apk/db/installed line " + i + ": " + "long problem ".repeat(30) + "\u001b[31m");
        }
        List<String> uploaded = UploadedWarnings.of(many);
        assertThat(uploaded).hasSize(UploadedWarnings.MAX_WARNINGS + 1);
        assertThat(uploaded.getLast()).startsWith("10 more warnings");
        assertThat(uploaded).allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(UploadedWarnings.MAX_LENGTH));
        assertThat(uploaded).allSatisfy(w -> assertThat(w).doesNotContain("\u001b"));
        assertThat(UploadedWarnings.sanitize("f line 2: 'a' is not 'b' or 'c'; skipped"))
                .as("a quote inside the quoted text cannot end the withheld part early")
                .isEqualTo("f line 2: " + UploadedWarnings.WITHHELD + "; skipped");
        assertThat(UploadedWarnings.sanitize("f line 2: 'x' is not a 'y' is not a 'Field: value' line; skipped"))
                .as("the last 'is not a' is the cataloger's")
                .isEqualTo("f line 2: " + UploadedWarnings.WITHHELD + " is not a 'Field: value' line; skipped");
        assertThat(UploadedWarnings.sanitize(
                        "/lib/apk/db/installed line 7: 'token=abc' is not an 'X:value' line; skipped"))
                .isEqualTo("/lib/apk/db/installed line 7: " + UploadedWarnings.WITHHELD
                        + " is not an 'X:value' line; skipped");
        assertThat(UploadedWarnings.sanitize("f line 2: 'unterminated secret"))
                .isEqualTo("f line 2: " + UploadedWarnings.WITHHELD);
        assertThat(UploadedWarnings.sanitize("rpm header without a name or version; skipped"))
                .isEqualTo("rpm header without a name or version; skipped");
    }
}
