package vigil.inventory.dpkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.InventoryScanner;
import vigil.inventory.apk.ApkCataloger;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.os.OsDetector;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.ProgressListener;
import vigil.model.Target;

/**
 * dpkg and apk databases built to exhaust memory or time: a 500 MB line, a field of a million continuation lines,
 * a million broken lines. The limits apply while the file is streamed, before anything is kept.
 */
class HostileDpkgDatabaseTest {
    @TempDir
    Path temp;

    /** Writes {@code before}, a hole of {@code holeBytes} (read back as NUL bytes, taking no disk), then {@code after}. */
    static void sparse(Path file, String before, long holeBytes, String after) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(before.getBytes(StandardCharsets.UTF_8)));
            channel.write(ByteBuffer.wrap(after.getBytes(StandardCharsets.UTF_8)), before.length() + holeBytes);
        }
    }

    private static List<InstalledPackage> dpkg(Path root, List<String> warnings) throws IOException {
        return new DpkgCataloger().catalog(new DirectoryRootFs(root, "hostile root"), null, warnings);
    }

    @Test
    void aHalfGigabyteVersionLineIsSkippedWithAWarningNamingTheLine() throws Exception {
        Path root = temp.resolve("root");
        sparse(
                root.resolve("var/lib/dpkg/status"),
                "Package: fine\nStatus: install ok installed\nVersion: 1.0\n\n"
                        + "Package: huge\nStatus: install ok installed\nVersion: 1",
                500L << 20,
                "\n\nPackage: after\nStatus: install ok installed\nVersion: 2.0\n");
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found = dpkg(root, warnings);
        assertThat(found).extracting(InstalledPackage::name).containsExactly("fine", "after");
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("/var/lib/dpkg/status in hostile root line 7")
                .contains("524288010 bytes")
                .contains("record is skipped")
                .contains("'Version: 1???")
                .doesNotContain("\0");
    }

    @Test
    void aFieldOfManyContinuationLinesIsReadInLinearTime() throws Exception {
        Path root = temp.resolve("root");
        Path status = Files.createDirectories(root.resolve("var/lib/dpkg")).resolve("status");
        StringBuilder text = new StringBuilder("Package: long\nStatus: install ok installed\nVersion: 1\nDepends: a\n");
        text.append(" b,\n".repeat(300_000));
        Files.writeString(status, text);
        long start = System.nanoTime();
        List<InstalledPackage> found =
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> dpkg(root, new ArrayList<>()));
        System.out.println("300 000 continuation lines read in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertThat(found).extracting(InstalledPackage::name).containsExactly("long");
    }

    @Test
    void aRecordLargerThanTheLimitIsSkipped() throws Exception {
        Path root = temp.resolve("root");
        Path status = Files.createDirectories(root.resolve("var/lib/dpkg")).resolve("status");
        String line = " " + "x".repeat(200_000) + "\n";
        Files.writeString(
                status,
                "Package: big\nStatus: install ok installed\nVersion: 1\nProvides: a\n" + line.repeat(30)
                        + "\nPackage: small\nStatus: install ok installed\nVersion: 1\n");
        List<String> warnings = new ArrayList<>();
        assertThat(dpkg(root, warnings)).extracting(InstalledPackage::name).containsExactly("small");
        assertThat(warnings).singleElement().asString().contains("larger than the");
    }

    @Test
    void aMillionBrokenLinesGiveABoundedNumberOfWarnings() throws Exception {
        Path root = temp.resolve("root");
        Path status = Files.createDirectories(root.resolve("var/lib/dpkg")).resolve("status");
        Files.writeString(status, "not a field\n".repeat(1_000_000));
        Inventory inventory;
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "hostile root")) {
            inventory = new InventoryScanner(OsDetector::detect, List.of(new DpkgCataloger()), Clock.systemUTC())
                    .scan(fs, new Target(Target.Kind.ROOTFS, "r", null), ProgressListener.NONE);
        }
        assertThat(inventory.warnings()).hasSizeLessThan(300);
        assertThat(inventory.warnings().getLast()).contains("999800 more warnings");
    }

    @Test
    void anApkLineOfHalfAGigabyteIsSkipped() throws Exception {
        Path root = temp.resolve("root");
        sparse(root.resolve("lib/apk/db/installed"), "P:huge\nV:1", 500L << 20, "\n\nP:fine\nV:2\n");
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found =
                new ApkCataloger().catalog(new DirectoryRootFs(root, "hostile root"), null, warnings);
        assertThat(found).extracting(InstalledPackage::name).containsExactly("fine");
        assertThat(warnings).singleElement().asString().contains("line 2").contains("record is skipped");
    }

    @Test
    void packageNamesNoFileSystemHoldsAreReadWithoutTheirFileLists() throws Exception {
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        String tooLong = "p".repeat(300);
        Files.writeString(
                root.resolve("var/lib/dpkg/status"),
                "Package: " + tooLong + "\nStatus: install ok installed\nVersion: 1\n\n"
                        + "Package: " + tooLong + "/below\nStatus: install ok installed\nVersion: 1\n\n"
                        + "Package: fine\nStatus: install ok installed\nVersion: 2\n");
        List<InstalledPackage> found = dpkg(root, new ArrayList<>());
        assertThat(found).extracting(InstalledPackage::name).contains("fine", tooLong);
    }
}
