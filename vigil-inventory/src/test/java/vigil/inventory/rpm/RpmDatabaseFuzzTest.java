package vigil.inventory.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vigil.inventory.InventoryException;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.fs.FileTrees;
import vigil.model.InstalledPackage;

/**
 * Each rpm database format, as a valid small database the test builds and the fuzzer then mutates byte by byte:
 * the reader returns packages or throws {@link InventoryException} with a message, and leaves no temporary files.
 */
class RpmDatabaseFuzzTest {
    private static byte[] sqlite;

    private static synchronized byte[] sqlite() throws Exception {
        if (sqlite == null) {
            Path directory = Files.createTempDirectory("vigil-fuzz-seed-");
            try {
                TestRpmDbs.create(directory.resolve("rpmdb.sqlite"), "alpha", "beta");
                sqlite = Files.readAllBytes(directory.resolve("rpmdb.sqlite"));
            } finally {
                FileTrees.deleteTree(directory);
            }
        }
        return sqlite;
    }

    /** The database with up to 64 bytes overwritten at offsets the fuzzer picks. */
    private static byte[] mutate(byte[] original, FuzzedDataProvider data) {
        byte[] bytes = original.clone();
        int changes = data.consumeInt(0, 64);
        for (int i = 0; i < changes && data.remainingBytes() > 0; i++) {
            bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
        }
        return bytes;
    }

    private static void read(String name, byte[] database) throws IOException {
        Path root = Files.createTempDirectory("vigil-fuzz-");
        try {
            Files.createDirectories(root.resolve("var/lib/rpm"));
            Files.write(root.resolve("var/lib/rpm").resolve(name), database);
            List<InstalledPackage> packages =
                    new RpmCataloger().catalog(new DirectoryRootFs(root, "fuzz"), null, new ArrayList<>());
            packages.forEach(pkg -> assertThat(pkg.name()).isNotNull());
        } catch (InventoryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } finally {
            FileTrees.deleteTree(root);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void sqliteDatabases(FuzzedDataProvider data) throws Exception {
        read("rpmdb.sqlite", mutate(sqlite(), data));
    }

    @FuzzTest(maxDuration = "10s")
    void berkeleyDatabases(FuzzedDataProvider data) throws Exception {
        read("Packages", mutate(TestRpmDbs.berkeleyDb(2, 100, 0), data));
    }

    @FuzzTest(maxDuration = "10s")
    void ndbDatabases(FuzzedDataProvider data) throws Exception {
        read("Packages.db", mutate(TestRpmDbs.ndb(1), data));
    }
}
