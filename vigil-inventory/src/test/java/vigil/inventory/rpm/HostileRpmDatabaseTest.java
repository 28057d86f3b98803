package vigil.inventory.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.InventoryException;
import vigil.inventory.RootFile;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.model.InstalledPackage;

/**
 * rpm databases built to hurt: SQLite ones whose Packages is a never-ending view or that are slow to read, Berkeley
 * DB ones whose overflow chains are shared or claim more than the file holds, NDB ones whose slots share a blob,
 * headers whose file lists expand to gigabytes. Each ends in a bounded error or a warning, and leaves nothing behind.
 */
class HostileRpmDatabaseTest {
    @TempDir
    Path temp;

    private List<InstalledPackage> catalog(String file, byte[] content, List<String> warnings) throws Exception {
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("var/lib/rpm"));
        Files.write(root.resolve("var/lib/rpm").resolve(file), content);
        return new RpmCataloger().catalog(new DirectoryRootFs(root, "hostile root"), null, warnings);
    }

    private Path sqlite(String... statements) throws Exception {
        Path file = temp.resolve("made.sqlite");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return file;
    }

    private RootFile open(Path file) throws Exception {
        return new DirectoryRootFs(file.getParent(), "test")
                .open("/" + file.getFileName())
                .orElseThrow();
    }

    private static long entries(Path directory) throws Exception {
        try (Stream<Path> list = Files.list(directory)) {
            return list.count();
        }
    }

    @Test
    void aPackagesViewOverAnEndlessRecursiveQueryIsRefusedAtOnce() throws Exception {
        Path database = sqlite("""
                CREATE VIEW Packages AS
                WITH RECURSIVE r(hnum, blob) AS (SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM r)
                SELECT hnum, blob FROM r""");
        byte[] content = Files.readAllBytes(database);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            assertThatThrownBy(() -> catalog("rpmdb.sqlite", content, new ArrayList<>()))
                    .isInstanceOf(InventoryException.class)
                    .hasMessageContaining("/var/lib/rpm/rpmdb.sqlite")
                    .hasMessageContaining("Packages is a view");
        });
        Path scratch = Files.createDirectories(temp.resolve("scratch"));
        try (RootFile file = open(database)) {
            assertThatThrownBy(() -> new SqliteRpmDb(Optional::empty, Duration.ofSeconds(30), scratch)
                            .read(file, (blob, where) -> {}))
                    .isInstanceOf(InventoryException.class);
        }
        assertThat(entries(scratch)).as("temporary files left behind").isZero();
    }

    @Test
    void aQueryPastTheTimeLimitIsInterruptedAndLeavesNoTemporaryFiles() throws Exception {
        Path database = sqlite("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO Packages (blob) VALUES (?)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < 100_000; i++) {
                insert.setBytes(1, new byte[] {1, 2, 3});
                insert.executeUpdate();
            }
            connection.commit();
        }
        Path scratch = Files.createDirectories(temp.resolve("scratch"));
        int[] seen = {0};
        try (RootFile file = open(database)) {
            assertThatThrownBy(() -> new SqliteRpmDb(Optional::empty, Duration.ofNanos(1), scratch)
                            .read(file, (blob, where) -> seen[0]++))
                    .isInstanceOf(InventoryException.class)
                    .hasMessageContaining("could not be read within");
        }
        assertThat(seen[0]).isLessThan(100_000);
        assertThat(entries(scratch)).as("temporary files left behind").isZero();
    }

    @Test
    void aGeneratedBlobColumnIsRefused() throws Exception {
        Path database = sqlite(
                "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB GENERATED ALWAYS AS (zeroblob(1000000)))",
                "INSERT INTO Packages (hnum) VALUES (1)");
        assertThatThrownBy(() -> catalog("rpmdb.sqlite", Files.readAllBytes(database), new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("no plain column blob");
    }

    @Test
    void berkeleyDbChainsSharedByManyEntriesAreRefused() throws Exception {
        byte[] header = TestHeaders.packageNamed("bdb", "1", "1").blob();
        List<String> warnings = new ArrayList<>();
        assertThat(catalog("Packages", TestRpmDbs.berkeleyDb(1, header.length, 0), warnings))
                .extracting(InstalledPackage::name)
                .containsExactly("bdb");
        assertThatThrownBy(() -> catalog("Packages", TestRpmDbs.berkeleyDb(1000, header.length, 0), new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("already used");
    }

    @Test
    void berkeleyDbValuesLargerThanTheFileAreRefusedBeforeAllocation() {
        assertThatThrownBy(() -> catalog("Packages", TestRpmDbs.berkeleyDb(1, 60L << 20, 0), new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("cannot fit");
    }

    @Test
    void berkeleyDbOverflowCyclesAreRefused() {
        assertThatThrownBy(() -> catalog("Packages", TestRpmDbs.berkeleyDb(1, 3 * 4070, 3, 2), new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("a cycle");
    }

    @Test
    void berkeleyDbChainsShorterThanTheirDeclaredLengthAreRefused() {
        assertThatThrownBy(() -> catalog("Packages", TestRpmDbs.berkeleyDb(1, 3000, 0), new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("declares 3000");
    }

    @Test
    void ndbBlobsClaimedByManySlotsAreRefused() throws Exception {
        assertThat(catalog("Packages.db", TestRpmDbs.ndb(1), new ArrayList<>()))
                .extracting(InstalledPackage::name)
                .containsExactly("ndb");
        assertThatThrownBy(() -> catalog("Packages.db", TestRpmDbs.ndb(254), new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("claimed by two slots");
    }

    @Test
    void ndbSlotPagesBeyondTheFileAreRefused() {
        byte[] file = TestRpmDbs.ndb(1);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 2048);
        assertThatThrownBy(() -> catalog("Packages.db", file, new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("slot pages");
    }

    @Test
    void fileListsThatExpandToGigabytesAreCutAtTheBudget() {
        // One 4000-character directory and a million one-letter names: 6 MB of header, 4 GB of joined paths.
        byte[] blob = TestHeaders.packageNamed("wide", "1", "1")
                .strings(RpmHeader.DIRNAMES, "/" + "d".repeat(3998) + "/", 1)
                .strings(RpmHeader.BASENAMES, "f", 1_000_000)
                .zeros(RpmHeader.DIRINDEXES, 1_000_000)
                .blob();
        List<String> warnings = new ArrayList<>();
        InstalledPackage pkg = RpmCataloger.toPackage(RpmHeader.parse(blob, "wide"), "wide", null, warnings);
        assertThat(pkg).isNotNull();
        assertThat(pkg.files()).isEmpty();
        assertThat(warnings).anySatisfy(warning -> assertThat(warning).contains("more owned files than"));
    }
}
