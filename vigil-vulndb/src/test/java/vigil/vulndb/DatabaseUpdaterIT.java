package vigil.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.ProgressListener;
import vigil.vulndb.store.AdvisoryStore;

/** {@code vigil db update --mirror} against a real HTTP server on loopback serving the public feeds' layout. */
class DatabaseUpdaterIT {
    @TempDir
    Path temp;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final List<String> conditional = new CopyOnWriteArrayList<>();
    private volatile boolean truncate;

    @BeforeEach
    void serve() throws Exception {
        DatabaseImporter importer = new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());
        for (AdvisoryFeedParser parser : importer.parsers()) {
            for (String path : parser.downloadPaths()) {
                files.put("/" + path.replace("%20", " "), zip(Map.of()));
            }
        }
        Path osv = TestAdvisories.ROOT.resolve("osv/osv.dev");
        files.put(
                "/Debian/all.zip", zip(Map.of("DSA-3029-1.json", Files.readAllBytes(osv.resolve("DSA-3029-1.json")))));
        files.put(
                "/Alpine/all.zip",
                zip(Map.of("CVE-2022-27449.json", Files.readAllBytes(osv.resolve("CVE-2022-27449.json")))));
        ByteArrayOutputStream oval = new ByteArrayOutputStream();
        try (OutputStream out = new BZip2CompressorOutputStream(oval)) {
            out.write(Files.readAllBytes(TestAdvisories.ROOT.resolve("vunnel/oracle/mock_data")));
        }
        files.put("/com.oracle.elsa-all.xml.bz2", oval.toByteArray());

        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = files.get(path);
            String etag = body == null ? "" : "\"" + java.util.Arrays.hashCode(body) + "\"";
            if (failures.containsKey(path)) {
                exchange.sendResponseHeaders(failures.get(path), -1);
            } else if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                conditional.add(path);
                exchange.sendResponseHeaders(304, -1);
            } else {
                exchange.getResponseHeaders().add("ETag", etag);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body, 0, truncate ? body.length / 2 : body.length);
                } catch (IOException closedEarly) {
                    // the truncated case closes the exchange with bytes missing
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private DatabaseImporter.Result update(Path data) throws IOException {
        DatabaseImporter importer = new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());
        URI mirror = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new DatabaseUpdater(DatabaseUpdater.defaultClient(), importer, Duration.ofSeconds(2))
                .update(data, mirror, ProgressListener.NONE);
    }

    @Test
    void mirrorUpdateBuildsTheDatabaseAndRevalidatesWithEtags() throws Exception {
        Path data = temp.resolve("data");
        update(data);
        try (AdvisoryStore store = AdvisoryStore.open(AdvisoryStore.fileIn(data))) {
            assertThat(store.status().advisoriesBySource()).containsKeys("osv", "elsa");
            assertThat(store.lookup("Debian:7", "nginx")).hasSize(1);
            assertThat(store.lookup("Oracle Linux:5", "bind-utils")).isNotEmpty();
        }
        update(data);
        assertThat(conditional).contains("/Debian/all.zip", "/com.oracle.elsa-all.xml.bz2");
        try (AdvisoryStore store = AdvisoryStore.open(AdvisoryStore.fileIn(data))) {
            assertThat(store.lookup("Debian:7", "nginx"))
                    .as("rebuilt from the cached copy after a 304")
                    .hasSize(1);
        }
    }

    @Test
    void failedDownloadsLeaveThePreviousDatabaseUntouched() throws Exception {
        Path data = temp.resolve("data");
        update(data);
        Path database = AdvisoryStore.fileIn(data);
        byte[] before = Files.readAllBytes(database);

        failures.put("/Ubuntu/all.zip", 500);
        assertThatThrownBy(() -> update(data))
                .hasMessageContaining("/Ubuntu/all.zip: HTTP 500")
                .hasMessageContaining("previous database, if any, is unchanged");
        assertThat(Files.readAllBytes(database)).isEqualTo(before);

        failures.clear();
        files.put("/Debian/all.zip", zip(Map.of("x.json", "{}".getBytes(StandardCharsets.UTF_8))));
        truncate = true;
        assertThatThrownBy(() -> update(data))
                .hasMessageContaining("could not download")
                .hasMessageContaining("stalled");
        assertThat(Files.readAllBytes(database)).isEqualTo(before);
    }

    @Test
    void anUnreachableSourceSaysHowToImportOffline() {
        server.stop(0);
        assertThatThrownBy(() -> update(temp.resolve("data")))
                .hasMessageContaining("could not reach 127.0.0.1")
                .hasMessageContaining("vigil db import");
        assertThat(AdvisoryStore.exists(AdvisoryStore.fileIn(temp.resolve("data"))))
                .isFalse();
    }
}
