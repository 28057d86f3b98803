package vigil.inventory;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OsSupport;
import vigil.model.ProgressListener;
import vigil.model.Target;

/** Reads the inventory of one root filesystem: its OS, then every package database found in it. */
public final class InventoryScanner {
    /** Detects the OS of a root filesystem. */
    @FunctionalInterface
    public interface OsDetector {
        OsDetection detect(RootFs root) throws IOException;
    }

    private final OsDetector osDetector;
    private final List<PackageCataloger> catalogers;
    private final Clock clock;

    public InventoryScanner(OsDetector osDetector, List<PackageCataloger> catalogers, Clock clock) {
        this.osDetector = requireNonNull(osDetector, "osDetector is null");
        this.catalogers = List.copyOf(catalogers);
        this.clock = requireNonNull(clock, "clock is null");
    }

    public Inventory scan(RootFs root, Target target, ProgressListener progress) throws IOException {
        List<String> warnings = new ArrayList<>();
        progress.begin("Detecting the OS of " + root.describe(), -1);
        OsDetection detection = osDetector.detect(root);
        progress.end();
        List<InstalledPackage> packages = new ArrayList<>();
        progress.begin("Reading package databases", catalogers.size());
        for (PackageCataloger cataloger : catalogers) {
            CappedWarnings capped = new CappedWarnings(warnings, "the " + cataloger.name() + " database");
            packages.addAll(cataloger.catalog(root, detection.os(), capped));
            capped.close();
            progress.advance(1);
        }
        progress.end();
        packages.sort(Comparator.comparing(InstalledPackage::name)
                .thenComparing(InstalledPackage::evr)
                .thenComparing(pkg -> pkg.arch() == null ? "" : pkg.arch()));
        OsSupport support = detection.support();
        if (detection.os() != null
                && !packages.isEmpty()
                && packages.stream()
                        .noneMatch(pkg -> pkg.type() == detection.os().family().packageType())) {
            warnings.add("the OS looks like " + detection.os().prettyName() + " but no "
                    + detection.os().family().packageType().purlType() + " packages were found in " + root.describe());
        }
        return new Inventory(target, detection.os(), support, packages, warnings, clock.instant());
    }

    /** Every in-root path the OS detector and the catalogers read; image extraction keeps exactly these. */
    public static boolean isInteresting(String path, List<String> interestingPaths) {
        for (String interesting : interestingPaths) {
            if (interesting.endsWith("/") ? path.startsWith(interesting) : path.equals(interesting)) {
                return true;
            }
        }
        return false;
    }
}
