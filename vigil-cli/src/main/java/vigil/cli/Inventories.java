package vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import vigil.inventory.InventoryException;
import vigil.inventory.InventoryScanner;
import vigil.inventory.PackageCataloger;
import vigil.inventory.apk.ApkCataloger;
import vigil.inventory.dpkg.DpkgCataloger;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.os.OsDetector;
import vigil.inventory.rpm.RpmCataloger;
import vigil.model.Inventory;
import vigil.model.ProgressListener;
import vigil.model.Target;

/** Builds the inventory of a target with every cataloger Vigil has. */
final class Inventories {
    private Inventories() {}

    static List<PackageCataloger> catalogers() {
        return catalogers(true);
    }

    /** {@code fileLists}: whether dpkg's per-package file lists are read (what SBOMs and servers are sent). */
    static List<PackageCataloger> catalogers(boolean fileLists) {
        return List.of(new DpkgCataloger(fileLists), new ApkCataloger(), new RpmCataloger());
    }

    static List<String> interestingPaths() {
        List<String> paths = new ArrayList<>(OsDetector.interestingPaths());
        catalogers().forEach(cataloger -> paths.addAll(cataloger.interestingPaths()));
        return paths;
    }

    static InventoryScanner scanner(Clock clock) {
        return new InventoryScanner(OsDetector::detect, catalogers(), clock);
    }

    static Inventory of(TargetSpec spec, Clock clock, ProgressListener progress) throws IOException {
        return of(spec, clock, progress, true);
    }

    /**
     * The inventory of {@code spec}; without {@code fileLists} a host's or root's dpkg file lists are not read (an
     * image's layers are read whole either way).
     */
    static Inventory of(TargetSpec spec, Clock clock, ProgressListener progress, boolean fileLists) throws IOException {
        try {
            return switch (spec) {
                case TargetSpec.Host host ->
                    directory(host.root(), Target.Kind.HOST, "host " + host.root(), clock, progress, fileLists);
                case TargetSpec.Rootfs rootfs ->
                    directory(
                            rootfs.directory(),
                            Target.Kind.ROOTFS,
                            "rootfs " + rootfs.directory(),
                            clock,
                            progress,
                            fileLists);
                case TargetSpec.Image image -> Images.inventory(image, clock, progress);
                case TargetSpec.Sbom sbom -> Sboms.read(sbom.file());
            };
        } catch (InventoryException e) {
            throw new UserError(e.getMessage() == null ? "the target cannot be read" : e.getMessage(), ExitCodes.ERROR);
        } catch (IOException e) {
            // Anything the readers did not explain themselves still names the target and the failure.
            throw new UserError(
                    describe(spec) + " cannot be read: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getClass().getSimpleName() + ": " + e.getMessage())
                            + " (is it complete and in a supported format? see 'vigil scan --help')",
                    ExitCodes.ERROR);
        }
    }

    /** How many of an inventory's warnings {@link #warn} shows; the rest are counted. */
    static final int WARNINGS_SHOWN = 20;

    /**
     * Says the inventory's warnings (entries refused or skipped, lines too long) on standard error, whatever the
     * format and destination of the report: an SBOM has no place for them, and a report on standard output may go
     * to a file or a pipe that nobody reads.
     */
    static void warn(Inventory inventory, PrintWriter err) {
        warn(inventory.warnings(), err);
    }

    /** Prints warnings on stderr, at most {@link #WARNINGS_SHOWN} of them and then how many more there are. */
    static void warn(List<String> warnings, PrintWriter err) {
        for (String warning : warnings.subList(0, Math.min(WARNINGS_SHOWN, warnings.size()))) {
            err.println("warning: " + warning);
        }
        if (warnings.size() > WARNINGS_SHOWN) {
            err.println("... and " + (warnings.size() - WARNINGS_SHOWN) + " more warnings");
        }
        err.flush();
    }

    private static String describe(TargetSpec spec) {
        return switch (spec) {
            case TargetSpec.Host host -> "host root " + host.root();
            case TargetSpec.Rootfs rootfs -> "root filesystem " + rootfs.directory();
            case TargetSpec.Image image -> "image " + image.path();
            case TargetSpec.Sbom sbom -> "SBOM " + sbom.file();
        };
    }

    private static Inventory directory(
            Path root, Target.Kind kind, String name, Clock clock, ProgressListener progress, boolean fileLists)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new UserError(
                    name + ": no such directory"
                            + (Files.exists(root) ? " (it is a file; for an image use 'vigil scan image')" : ""),
                    ExitCodes.ERROR);
        }
        Path absolute = root.toAbsolutePath().normalize();
        try (DirectoryRootFs fs = new DirectoryRootFs(absolute, name)) {
            return new InventoryScanner(OsDetector::detect, catalogers(fileLists), clock)
                    .scan(fs, new Target(kind, absolute.toString(), null), progress);
        }
    }
}
