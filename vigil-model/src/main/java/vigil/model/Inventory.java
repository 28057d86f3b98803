package vigil.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The software bill of materials of one target: its OS, whether that OS can be scanned, and its packages. This is
 * what crosses the wire from agents; the server matches it against advisories.
 *
 * @param warnings problems met while reading the target that did not stop the scan (a corrupt record, a skipped
 *     hostile archive entry), each naming the input and the problem
 */
public record Inventory(
        Target target,
        @Nullable OperatingSystem os,
        OsSupport osSupport,
        List<InstalledPackage> packages,
        List<String> warnings,
        Instant createdAt) {

    public Inventory {
        requireNonNull(target, "target is null");
        requireNonNull(osSupport, "osSupport is null");
        packages = List.copyOf(packages);
        warnings = List.copyOf(warnings);
        requireNonNull(createdAt, "createdAt is null");
    }
}
