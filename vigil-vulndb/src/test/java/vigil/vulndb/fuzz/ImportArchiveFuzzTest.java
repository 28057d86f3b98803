package vigil.vulndb.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import vigil.model.ProgressListener;
import vigil.vulndb.DatabaseImporter;

/**
 * Untrusted zip, tar.gz and bz2 feed files through the real importer: an import succeeds, or fails with an
 * IOException naming the input; nothing but the database is ever written, whatever the entry names say.
 */
class ImportArchiveFuzzTest {
    private static final DatabaseImporter IMPORTER =
            new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());

    private static void importAs(String name, byte[] bytes) throws IOException {
        Path work = Files.createTempDirectory("vigil-fuzz-");
        try {
            Path feed = Files.createDirectories(work.resolve("feed"));
            Files.write(feed.resolve(name), bytes);
            Path database = work.resolve("db/advisories.db");
            try {
                IMPORTER.importInto(database, List.of(feed), false, ProgressListener.NONE);
            } catch (IOException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            try (var walk = Files.walk(work)) {
                assertThat(walk.map(path -> work.relativize(path).toString()))
                        .as("files after the import")
                        .allMatch(path -> path.isEmpty()
                                || path.equals("feed")
                                || path.equals("feed/" + name)
                                || path.equals("db")
                                || path.equals("db/advisories.db"));
            }
        } finally {
            try (var walk = Files.walk(work)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void zipDumps(byte[] zip) throws IOException {
        importAs("all.zip", zip);
    }

    @FuzzTest(maxDuration = "10s")
    void tarGzDumps(byte[] tar) throws IOException {
        importAs("feed.tar.gz", tar);
    }

    @FuzzTest(maxDuration = "10s")
    void bzip2OvalFeeds(byte[] bz2) throws IOException {
        importAs("com.oracle.elsa-all.xml.bz2", bz2);
    }
}
