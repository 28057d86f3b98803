package vigil.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.apk.ApkCataloger;
import vigil.inventory.dpkg.DpkgCataloger;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.os.OsDetector;
import vigil.inventory.rpm.RpmCataloger;
import vigil.inventory.rpm.TestRpmDbs;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.ProgressListener;
import vigil.model.Target;

/**
 * No cataloger reads through a link that leaves the root: package databases, their companions and every file they
 * name are links (absolute, relative, through a linked directory, swapped in while the scan runs) to canary files
 * outside the root, and no canary package or OS ever shows up.
 */
class CatalogerContainmentTest {
    private static final String CANARY_STATUS = """
            Package: canary
            Status: install ok installed
            Version: 6.6.6
            Architecture: amd64

            """;

    @TempDir
    Path temp;

    private Inventory scan(Path root) throws IOException {
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "rootfs under test")) {
            return new InventoryScanner(
                            OsDetector::detect,
                            List.of(new DpkgCataloger(), new ApkCataloger(), new RpmCataloger()),
                            Clock.systemUTC())
                    .scan(fs, new Target(Target.Kind.ROOTFS, root.toString(), null), ProgressListener.NONE);
        }
    }

    private static List<String> names(Inventory inventory) {
        return inventory.packages().stream().map(InstalledPackage::name).toList();
    }

    @Test
    void sqliteJournalLinkedOutsideTheRootIsNotRead() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path root = Files.createDirectories(temp.resolve("root"));
        Path rpm = Files.createDirectories(root.resolve("var/lib/rpm"));
        TestRpmDbs.createWithWal(rpm.resolve("rpmdb.sqlite"), outside.resolve("canary-wal"), "inside", "canary");

        Files.createSymbolicLink(rpm.resolve("rpmdb.sqlite-wal"), outside.resolve("canary-wal"));
        assertThat(names(scan(root))).containsExactly("inside");

        // The same journal inside the root is read: the canary is a real journal, kept out only by the link.
        Files.delete(rpm.resolve("rpmdb.sqlite-wal"));
        Files.copy(outside.resolve("canary-wal"), rpm.resolve("rpmdb.sqlite-wal"));
        assertThat(names(scan(root))).containsExactly("canary", "inside");
    }

    @Test
    void sqliteJournalThatIsNotARegularFileIsNotRead() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path root = Files.createDirectories(temp.resolve("root"));
        Path rpm = Files.createDirectories(root.resolve("var/lib/rpm"));
        TestRpmDbs.createWithWal(rpm.resolve("rpmdb.sqlite"), outside.resolve("canary-wal"), "inside", "canary");
        Files.createDirectory(rpm.resolve("rpmdb.sqlite-wal"));
        assertThat(names(scan(root))).containsExactly("inside");
    }

    @Test
    void everyDatabaseLinkedOutsideTheRootIsAbsent() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("os-release"), "ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"canary OS\"\n");
        Files.writeString(outside.resolve("status"), CANARY_STATUS);
        Files.writeString(outside.resolve("canary.list"), "/canary/file\n");
        Files.writeString(outside.resolve("installed"), "P:canary\nV:6.6.6\n\n");
        TestRpmDbs.create(outside.resolve("rpmdb.sqlite"), "canary");
        Files.createDirectories(outside.resolve("rpm"));
        Files.copy(outside.resolve("rpmdb.sqlite"), outside.resolve("rpm/rpmdb.sqlite"));

        Path root = Files.createDirectories(temp.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/status.d"));
        Files.createDirectories(root.resolve("lib/apk/db"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createDirectories(root.resolve("var/lib"));
        // Absolute targets, relative targets climbing out, and a linked directory.
        Files.createSymbolicLink(root.resolve("etc/os-release"), outside.resolve("os-release"));
        Files.createSymbolicLink(
                root.resolve("usr/lib/os-release"), Path.of("../../../../../../../../" + outside + "/os-release"));
        Files.createSymbolicLink(root.resolve("var/lib/dpkg/status"), outside.resolve("status"));
        Files.createSymbolicLink(
                root.resolve("var/lib/dpkg/status.d/canary"), Path.of("../../../../../../../" + outside + "/status"));
        Files.createSymbolicLink(root.resolve("var/lib/dpkg/info/canary.list"), outside.resolve("canary.list"));
        Files.createSymbolicLink(root.resolve("lib/apk/db/installed"), outside.resolve("installed"));
        Files.createSymbolicLink(root.resolve("var/lib/rpm"), outside.resolve("rpm"));

        Inventory inventory = scan(root);
        assertThat(inventory.packages()).isEmpty();
        assertThat(inventory.os()).isNull();
    }

    @Test
    void linksSwappedInWhileTheScanRunsAreNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("status"), CANARY_STATUS);
        Path root = Files.createDirectories(temp.resolve("root"));
        Path dpkg = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("regular"), """
                Package: inside
                Status: install ok installed
                Version: 1.0

                """);
        Files.copy(dpkg.resolve("regular"), dpkg.resolve("status"));
        Files.createSymbolicLink(dpkg.resolve("link"), outside.resolve("status"));
        Path staged = dpkg.resolve("staged");

        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            try {
                boolean link = false;
                while (!stop.get()) {
                    // rename(2) replaces status atomically: a regular file one moment, a link out the next.
                    if (link) {
                        Files.copy(dpkg.resolve("regular"), staged, StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        Files.deleteIfExists(staged);
                        Files.createSymbolicLink(staged, outside.resolve("status"));
                    }
                    Files.move(staged, dpkg.resolve("status"), StandardCopyOption.ATOMIC_MOVE);
                    link = !link;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        swapper.start();
        int scans = 0;
        int inside = 0;
        List<String> seen = new ArrayList<>();
        try {
            for (; scans < 3000; scans++) {
                try (DirectoryRootFs fs = new DirectoryRootFs(root, "racing root")) {
                    List<InstalledPackage> found = new DpkgCataloger().catalog(fs, null, new ArrayList<>());
                    found.forEach(pkg -> seen.add(pkg.name()));
                    inside += found.size();
                } catch (IOException | InventoryException e) {
                    // A link swapped in between the check and the open makes the open fail: that is fine.
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        System.out.println("racing scans: " + scans + ", of which read the inside file: " + inside);
        assertThat(seen).doesNotContain("canary");
        assertThat(inside).isPositive();
    }

    /** dpkg's file lists are opened relative to the info directory, resolved once: links in it stay in the root. */
    @Test
    void fileListsLinkedOutsideTheRootAreNotReadAndLinksInsideAre() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("canary.list"), "/canary/file\n");
        Path root = Files.createDirectories(temp.resolve("root"));
        Path dpkg = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Path info = Files.createDirectories(dpkg.resolve("info"));
        Files.writeString(dpkg.resolve("status"), """
                Package: plain
                Status: install ok installed
                Version: 1.0
                Architecture: amd64

                Package: multiarch
                Status: install ok installed
                Version: 1.0
                Architecture: amd64

                Package: absolute
                Status: install ok installed
                Version: 1.0

                Package: climbing
                Status: install ok installed
                Version: 1.0

                Package: linked-inside
                Status: install ok installed
                Version: 1.0

                Package: ../../../../../../../../../%s/canary
                Status: install ok installed
                Version: 1.0

                """.formatted(outside));
        Files.writeString(info.resolve("plain.list"), "/usr/bin/plain\n");
        Files.writeString(info.resolve("multiarch:amd64.list"), "/usr/lib/multiarch.so\n");
        Files.createSymbolicLink(info.resolve("absolute.list"), outside.resolve("canary.list"));
        Files.createSymbolicLink(
                info.resolve("climbing.list"), Path.of("../../../../../../../../../" + outside + "/canary.list"));
        Files.createDirectories(root.resolve("srv"));
        Files.writeString(root.resolve("srv/kept.list"), "/srv/inside\n");
        Files.createSymbolicLink(info.resolve("linked-inside.list"), Path.of("../../../../srv/kept.list"));

        java.util.Map<String, List<String>> files = new java.util.TreeMap<>();
        scan(root).packages().forEach(pkg -> files.put(pkg.name(), pkg.files()));
        assertThat(files)
                .containsEntry("plain", List.of("/usr/bin/plain"))
                .containsEntry("multiarch", List.of("/usr/lib/multiarch.so"))
                .containsEntry("absolute", List.of())
                .containsEntry("climbing", List.of())
                .containsEntry("linked-inside", List.of("/srv/inside"));
        assertThat(files.values()).noneMatch(list -> list.contains("/canary/file"));

        // the info directory itself a link out of the root: no list is read
        Files.move(info, dpkg.resolve("info.real"));
        Files.createSymbolicLink(dpkg.resolve("info"), outside);
        Files.copy(outside.resolve("canary.list"), outside.resolve("plain.list"));
        scan(root)
                .packages()
                .forEach(pkg -> assertThat(pkg.files()).as(pkg.name()).isEmpty());
    }
}
