package vigil.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.ProgressListener;
import vigil.vulndb.store.AdvisoryStore;

/**
 * Hostile advisory feeds through the real importer: each is refused with a warning naming the file and the problem,
 * reads nothing outside the inputs, writes nothing but the database, and leaves no advisory of the failed document.
 */
class HostileFeedTest {
    private static final String CANARY = "canary-root:x:0:0:secret";

    @TempDir
    Path temp;

    private Path canary;
    private Path feed;
    private Path database;
    private final DatabaseImporter importer =
            new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());

    @BeforeEach
    void layout() throws Exception {
        canary = temp.resolve("passwd");
        Files.writeString(canary, CANARY + "\n");
        feed = Files.createDirectories(temp.resolve("feed"));
        database = temp.resolve("data/db/advisories.db");
    }

    private static String osv(String id, String name) {
        return """
                {"id": "%s", "modified": "2024-01-01T00:00:00Z",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "%s"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]}
                """.formatted(id, name);
    }

    private static final String OVAL_BODY =
            "<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\">"
                    + "<definitions><definition id=\"oval:com.oracle.elsa:def:20240001\" class=\"patch\"><metadata>"
                    + "<title>%s</title></metadata></definition></definitions></oval_definitions>";

    /** Imports {@code feed} plus one good OSV record, so the database is published and can be inspected. */
    private DatabaseImporter.Result importFeed() throws Exception {
        Files.writeString(feed.resolve("good.json"), osv("DSA-0001-1", "good"));
        return importer.importInto(database, List.of(feed), false, ProgressListener.NONE);
    }

    private void assertCanaryNowhere(DatabaseImporter.Result result) throws Exception {
        assertThat(String.join("\n", result.warnings())).doesNotContain(CANARY);
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.lookup("Debian:12", "good")).hasSize(1);
        }
        assertThat(new String(Files.readAllBytes(database), StandardCharsets.ISO_8859_1))
                .doesNotContain(CANARY);
    }

    @Test
    void xmlExternalEntitiesReadNoFile() throws Exception {
        Files.writeString(
                feed.resolve("com.oracle.elsa-xxe.xml"),
                "<?xml version=\"1.0\"?>\n<!DOCTYPE oval_definitions [<!ENTITY xxe SYSTEM \"" + canary.toUri()
                        + "\">]>\n" + OVAL_BODY.formatted("&xxe;"));
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings())
                .anySatisfy(
                        w -> assertThat(w).contains("com.oracle.elsa-xxe.xml").contains("DTD"));
        assertCanaryNowhere(result);
    }

    @Test
    void externalDtdsAndEntitiesAreNeverFetched() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "<!ENTITY leak \"fetched\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/evil.dtd";
            Files.writeString(
                    feed.resolve("oval-external-dtd.xml"),
                    "<?xml version=\"1.0\"?>\n<!DOCTYPE oval_definitions SYSTEM \"" + url + "\">\n"
                            + OVAL_BODY.formatted("&leak;"));
            Files.writeString(
                    feed.resolve("oval-parameter-entity.xml"),
                    "<?xml version=\"1.0\"?>\n<!DOCTYPE oval_definitions [<!ENTITY % remote SYSTEM \"" + url
                            + "\"> %remote;]>\n" + OVAL_BODY.formatted("x"));
            Files.writeString(
                    feed.resolve("oval-xinclude.xml"),
                    OVAL_BODY.formatted("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"" + url
                            + "\" parse=\"text\"/>"));
            DatabaseImporter.Result result = importFeed();
            assertThat(requests).as("requests to the external DTD server").hasValue(0);
            assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("oval-external-dtd.xml"));
            assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("oval-parameter-entity.xml"));
            assertThat(result.warnings())
                    .anySatisfy(w -> assertThat(w).contains("oval-xinclude.xml").contains("markup inside"));
            assertThat(String.join("\n", result.warnings())).doesNotContain("fetched");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void entityExpansionBombsAreRefused() throws Exception {
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE oval_definitions [\n");
        laughs.append("<!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i < 10; i++) {
            laughs.append("<!ENTITY lol")
                    .append(i)
                    .append(" \"")
                    .append(("&lol" + (i - 1) + ";").repeat(10))
                    .append("\">\n");
        }
        laughs.append("]>\n").append(OVAL_BODY.formatted("&lol9;"));
        Files.writeString(feed.resolve("oval-laughs.xml"), laughs);
        String big = "x".repeat(100_000);
        Files.writeString(
                feed.resolve("oval-quadratic.xml"),
                "<?xml version=\"1.0\"?>\n<!DOCTYPE oval_definitions [<!ENTITY big \"" + big + "\">]>\n"
                        + OVAL_BODY.formatted("&big;".repeat(10_000)));
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("oval-laughs.xml"));
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("oval-quadratic.xml"));
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.status().advisories()).isEqualTo(1);
        }
    }

    @Test
    void aHugeOvalTextNodeIsRefusedWhileStreaming() throws Exception {
        Path bomb = feed.resolve("com.oracle.elsa-all.xml.bz2");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(bomb))) {
            String head = "<?xml version=\"1.0\"?>\n" + OVAL_BODY.formatted("");
            out.write(head.substring(0, head.indexOf("</title>")).getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'A');
            for (int i = 0; i < 80; i++) {
                out.write(block);
            }
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings())
                .anySatisfy(w ->
                        assertThat(w).contains("com.oracle.elsa-all.xml.bz2").contains("without markup"));
    }

    @Test
    void jsonDepthAndSizeBombsAreRefused() throws Exception {
        Files.writeString(
                feed.resolve("deep.json"),
                "{\"id\":\"GHSA-deep\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(feed.resolve("huge.json.gz")))) {
            out.write("{\"id\":\"GHSA-x\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\""
                    .getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int i = 0; i < 80; i++) {
                out.write(block);
            }
            out.write("\"}".getBytes(StandardCharsets.UTF_8));
        }
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings())
                .anySatisfy(w -> assertThat(w).contains("deep.json").contains("nesting depth"));
        assertThat(result.warnings())
                .anySatisfy(w -> assertThat(w).contains("huge.json.gz").contains("64 MiB"));
    }

    @Test
    void zipEntriesWithTraversingNamesAreReadNeverWritten() throws Exception {
        Path zip = feed.resolve("all.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("../../escaped.json", "/tmp/absolute-" + temp.getFileName() + ".json")) {
                out.putNextEntry(new ZipEntry(name));
                out.write(osv("DSA-" + name.length(), "zipped").getBytes(StandardCharsets.UTF_8));
            }
            out.putNextEntry(new ZipEntry("bomb.json"));
            byte[] block = new byte[1 << 20];
            java.util.Arrays.fill(block, (byte) ' ');
            for (int i = 0; i < 80; i++) {
                out.write(block);
            }
        }
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("all.zip!bomb.json"));
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.lookup("Debian:12", "zipped")).hasSize(2);
        }
        assertThat(temp.getParent().resolve("escaped.json")).doesNotExist();
        assertThat(temp.resolve("escaped.json")).doesNotExist();
        assertThat(Path.of("/tmp/absolute-" + temp.getFileName() + ".json")).doesNotExist();
    }

    @Test
    void symlinksInAnImportDirectoryAreNotFollowed() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("DSA-9999-1.json"), osv("DSA-9999-1", "outside"));
        Files.createSymbolicLink(feed.resolve("linked.json"), outside.resolve("DSA-9999-1.json"));
        Files.createSymbolicLink(feed.resolve("linked-dir"), outside);
        Files.createSymbolicLink(feed.resolve("passwd.json"), canary);
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("3 symbolic link(s) not followed"));
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.lookup("Debian:12", "outside")).isEmpty();
        }
        assertCanaryNowhere(result);
    }

    @Test
    void aDocumentFailingHalfWayLeavesNoneOfItsAdvisories() throws Exception {
        StringBuilder oval = new StringBuilder("<?xml version=\"1.0\"?>\n<oval_definitions><definitions>");
        for (int i = 0; i < 3; i++) {
            oval.append("<definition id=\"oval:com.oracle.elsa:def:2024000")
                    .append(i)
                    .append("\" class=\"patch\"><metadata><title>ELSA-2024-000")
                    .append(i)
                    .append(": x security update (IMPORTANT)</title><reference source=\"elsa\" ref_id=\"ELSA-2024-000")
                    .append(i)
                    .append("\"/></metadata><criteria><criterion comment=\"Oracle Linux 9 is installed\"/>")
                    .append("<criterion comment=\"x is earlier than 0:1.0-1.el9\"/></criteria></definition>");
        }
        oval.append("<definition id=\"broken\"><metadata><title>unterminated");
        Files.writeString(feed.resolve("com.oracle.elsa-2024.xml"), oval);
        DatabaseImporter.Result result = importFeed();
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("com.oracle.elsa-2024.xml"));
        try (AdvisoryStore store = AdvisoryStore.open(database)) {
            assertThat(store.status().advisories())
                    .as("only the good OSV record; warnings: " + result.warnings())
                    .isEqualTo(1);
        }
        assertThat(result.advisories()).isEqualTo(1);
    }

    @Test
    void theDatabaseAndItsDirectoryAreOwnerOnly() throws Exception {
        importFeed();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database.getParent())))
                .isEqualTo("rwx------");
        importer.importInto(database, List.of(feed), true, ProgressListener.NONE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(database)))
                .as("after a merging import too")
                .isEqualTo("rw-------");
    }

    @Test
    void aHostileFeedNeverReplacesThePreviousDatabaseWithAHalfBuiltOne() throws Exception {
        importFeed();
        byte[] before = Files.readAllBytes(database);
        Path only = Files.createDirectories(temp.resolve("only-hostile"));
        ByteArrayOutputStream deep = new ByteArrayOutputStream();
        deep.write("[".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        Files.write(only.resolve("deep.json"), deep.toByteArray());
        try {
            importer.importInto(database, List.of(only), false, ProgressListener.NONE);
        } catch (java.io.IOException expected) {
            assertThat(expected.getMessage()).contains("no advisories found");
        }
        assertThat(Files.readAllBytes(database)).isEqualTo(before);
        try (var files = Files.list(database.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("advisories.db");
        }
    }
}
