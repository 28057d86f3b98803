package vigil.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vigil.inventory.InventoryScanner;
import vigil.inventory.apk.ApkCataloger;
import vigil.inventory.dpkg.DpkgCataloger;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.os.OsDetector;
import vigil.inventory.rpm.RpmCataloger;
import vigil.model.Inventory;
import vigil.model.PackageVulnerability;
import vigil.model.ProgressListener;
import vigil.model.Target;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.match.VulnerabilityMatcher;
import vigil.vulndb.store.AdvisoryStore;

/**
 * Matching one inventory against an advisory database, as {@code vigil scan} does after reading the target: open
 * the store, look every package up, evaluate the ranges, read the advisories that apply. The inventory is read once
 * from {@code root}; the database is imported once from {@code dump} (an OSV all.zip, for example the one
 * {@code scripts/bench/synthetic-osv-dump.py} writes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class MatchBenchmark {
    @Param("/")
    public String root = "/";

    @Param("/tmp/bench-debian-all.zip")
    public String dump = "/tmp/bench-debian-all.zip";

    private Path data = Path.of("");
    private Inventory inventory = emptyInventory();

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        Path rootDirectory = Path.of(root);
        try (DirectoryRootFs fs = new DirectoryRootFs(rootDirectory, "benchmark root " + root)) {
            inventory = new InventoryScanner(
                            OsDetector::detect,
                            List.of(new DpkgCataloger(), new ApkCataloger(), new RpmCataloger()),
                            Clock.systemUTC())
                    .scan(fs, new Target(Target.Kind.ROOTFS, root, null), ProgressListener.NONE);
        }
        data = Files.createTempDirectory("vigil-bench-");
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(Path.of(dump)), false, ProgressListener.NONE);
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Benchmark
    public List<PackageVulnerability> openAndMatch() throws IOException {
        try (AdvisoryStore store = AdvisoryStore.open(AdvisoryStore.fileIn(data))) {
            return new VulnerabilityMatcher(store).match(inventory);
        }
    }

    private static Inventory emptyInventory() {
        return new Inventory(
                new Target(Target.Kind.ROOTFS, "none", null),
                null,
                vigil.model.OsSupport.unknown("not read yet"),
                List.of(),
                List.of(),
                java.time.Instant.EPOCH);
    }
}
