package vigil.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.ProgressListener;
import vigil.vulndb.store.AdvisoryStore;

class DatabaseImporterTest {
    @TempDir
    Path temp;

    private final DatabaseImporter importer =
            new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());

    private static String record(String id, String ecosystem, String name) {
        return """
                {"id": "%s", "modified": "2024-01-01T00:00:00Z",
                 "affected": [{"package": {"ecosystem": "%s", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}
                """.formatted(id, ecosystem, name);
    }

    @Test
    void importsTheWholeOsvFixtureFolder() throws Exception {
        Path database = temp.resolve("advisories.db");
        DatabaseImporter.Result result = importer.importInto(
                database, List.of(TestAdvisories.ROOT.resolve("osv")), false, ProgressListener.NONE);
        assertThat(result.advisories()).isGreaterThanOrEqualTo(5);
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.lookup("Debian:7", "nginx")).hasSize(1);
            assertThat(store.lookup("Alpine:v3.16", "mariadb")).hasSize(1);
        }
    }

    @Test
    void importsOsvAllZipDumpsAndMergesRepeatedImports() throws Exception {
        Path zip = temp.resolve("all.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (int i = 0; i < 50; i++) {
                out.putNextEntry(new ZipEntry("DEBIAN-CVE-2024-" + i + ".json"));
                out.write(record("DEBIAN-CVE-2024-" + i, "Debian:12", "pkg" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        Path database = temp.resolve("advisories.db");
        importer.importInto(database, List.of(zip), false, ProgressListener.NONE);
        importer.importInto(database, List.of(zip), true, ProgressListener.NONE);
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.status().advisories()).isEqualTo(50);
            assertThat(store.lookup("Debian:12", "pkg7")).hasSize(1);
        }
    }

    @Test
    void theLaterOfTwoRecordsWithOneIdWinsAndMergedRecordsGetNewKeys() throws Exception {
        Path feed = Files.createDirectories(temp.resolve("twice"));
        Files.writeString(feed.resolve("a.json"), record("DSA-9", "Debian:12", "openssl"));
        Files.writeString(feed.resolve("b.json"), record("DSA-9", "Debian:12", "curl"));
        Path database = temp.resolve("twice.db");
        importer.importInto(database, List.of(feed), false, ProgressListener.NONE);
        Path more = Files.createDirectories(temp.resolve("more"));
        Files.writeString(more.resolve("c.json"), record("DSA-10", "Debian:12", "zlib"));
        Files.writeString(more.resolve("d.json"), record("DSA-9", "Debian:12", "bash"));
        importer.importInto(database, List.of(more), true, ProgressListener.NONE);
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.status().advisories()).isEqualTo(2);
            assertThat(store.lookup("Debian:12", "openssl")).isEmpty();
            assertThat(store.lookup("Debian:12", "curl")).isEmpty();
            assertThat(store.lookup("Debian:12", "bash"))
                    .singleElement()
                    .satisfies(found -> assertThat(found.advisory().id()).isEqualTo("DSA-9"));
            assertThat(store.lookup("Debian:12", "zlib"))
                    .singleElement()
                    .satisfies(found -> assertThat(found.advisory().id()).isEqualTo("DSA-10"));
        }
    }

    @Test
    void aFailedImportLeavesThePreviousDatabaseIntact() throws Exception {
        Path feed = Files.createDirectories(temp.resolve("feed"));
        Files.writeString(feed.resolve("a.json"), record("DSA-1", "Debian:12", "openssl"));
        Path database = temp.resolve("db/advisories.db");
        importer.importInto(database, List.of(feed), false, ProgressListener.NONE);
        byte[] before = Files.readAllBytes(database);

        AdvisoryFeedParser exploding = new AdvisoryFeedParser() {
            @Override
            public String name() {
                return "exploding";
            }

            @Override
            public boolean accepts(String fileName, byte[] head) {
                return true;
            }

            @Override
            public void parse(String fileName, InputStream input, Consumer<Advisory> sink, List<String> warnings)
                    throws IOException {
                throw new IOException("disk full while importing " + fileName);
            }
        };
        assertThatThrownBy(() -> new DatabaseImporter(List.of(exploding), Clock.systemUTC())
                        .importInto(database, List.of(feed), true, ProgressListener.NONE))
                .hasMessageContaining("disk full");
        assertThat(Files.readAllBytes(database)).isEqualTo(before);
        try (var files = Files.list(database.getParent())) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("advisories.db");
        }
    }

    @Test
    void malformedFilesAreWarningsAndTheRestIsImported() throws Exception {
        Path feed = Files.createDirectories(temp.resolve("feed"));
        Files.writeString(feed.resolve("good.json"), record("DSA-1", "Debian:12", "openssl"));
        Files.writeString(feed.resolve("bad.json"), "{\"id\": \"X\", \"affected\": [");
        DatabaseImporter.Result result =
                importer.importInto(temp.resolve("advisories.db"), List.of(feed), false, ProgressListener.NONE);
        assertThat(result.advisories()).isEqualTo(1);
        assertThat(result.warnings())
                .singleElement()
                .asString()
                .contains("bad.json")
                .contains("not valid JSON");
    }

    @Test
    void zipBombsAreRefused() throws Exception {
        Path zip = temp.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("huge.json"));
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            out.write("{\"id\": \"X\", \"modified\": \"2024-01-01T00:00:00Z\", \"details\": \""
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 70; i++) {
                out.write(spaces);
            }
            out.write("\"}".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.size(zip)).isLessThan(1L << 20);
        Path feed = Files.createDirectories(temp.resolve("feed"));
        Files.writeString(feed.resolve("good.json"), record("DSA-1", "Debian:12", "openssl"));
        DatabaseImporter.Result result = importer.importInto(
                temp.resolve("advisories.db"), List.of(zip, feed.resolve("good.json")), false, ProgressListener.NONE);
        assertThat(result.warnings())
                .anySatisfy(warning -> assertThat(warning).contains("huge.json").contains("larger than"));
        assertThat(result.advisories()).isEqualTo(1);
    }

    @Test
    void nothingImportableIsAnErrorThatSaysWhatIsExpected() throws Exception {
        Path feed = Files.createDirectories(temp.resolve("empty"));
        Files.writeString(feed.resolve("notes.csv"), "a,b\n");
        assertThatThrownBy(() ->
                        importer.importInto(temp.resolve("advisories.db"), List.of(feed), false, ProgressListener.NONE))
                .hasMessageContaining("no advisories found")
                .hasMessageContaining("OSV JSON");
    }
}
