package vigil.vulnerabilities;

import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.vulndb.Ecosystems;

/**
 * The coverage rule of {@code vigil scan} (ADR 0003), applied by the server: a supported OS whose ecosystem the
 * advisory database holds nothing for cannot be checked, so its scan finds nothing and proves nothing (Amazon Linux
 * before its ALAS pages are imported, a database imported from one distribution's dump).
 */
final class AdvisoryCoverage {
    private AdvisoryCoverage() {}

    /** Why the inventory cannot be checked against a database covering {@code covered}; null when it can. */
    static @Nullable String uncovered(Inventory inventory, Predicate<String> covered) {
        OperatingSystem os = inventory.os();
        if (os == null) {
            return null; // no OS: its packages (an SBOM's, say) are matched as they are
        }
        List<String> ecosystems = Ecosystems.forOs(os);
        if (ecosystems.stream().anyMatch(covered)) {
            return null;
        }
        String wanted = ecosystems.isEmpty() ? os.prettyName() : String.join(", ", ecosystems);
        String how = os.family() == OsFamily.AMAZON
                ? "Amazon Linux advisories are not downloadable in bulk: mirror the ALAS pages"
                        + " (https://alas.aws.amazon.com) or vuln-list's amazon directory and run 'vigil db import DIR'"
                        + " on the server"
                : "run 'vigil db update' on the server, or 'vigil db import' the feed for it";
        return "the advisory database has no advisories for " + wanted + ", so nothing could be found; " + how;
    }
}
