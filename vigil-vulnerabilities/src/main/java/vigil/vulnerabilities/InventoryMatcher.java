package vigil.vulnerabilities;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.model.Inventory;
import vigil.model.PackageVulnerability;
import vigil.model.Target;
import vigil.model.finding.Finding;
import vigil.model.finding.Resource;
import vigil.model.finding.VulnerabilityFindings;
import vigil.vulndb.match.VulnerabilityMatcher;

/**
 * Matches an inventory against the advisory database as {@code vigil scan} does: no database, an OS that cannot be
 * checked or an ecosystem the database holds nothing for (ADR 0003) is "not scanned, and why", never a clean result.
 */
final class InventoryMatcher {
    private final AdvisoryDatabase database;
    private final Clock clock;

    InventoryMatcher(AdvisoryDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * An inventory's findings (null: it could not be checked, {@code state} says why) and the identity of the database
     * file they were matched against (null: none).
     */
    record Found(@Nullable List<Finding> findings, @Nullable Object database, ScanState state) {
        Found {
            findings = findings == null ? null : List.copyOf(findings);
        }
    }

    private record Matches(@Nullable String uncovered, List<PackageVulnerability> found, List<String> warnings) {}

    Found match(Resource resource, Inventory inventory) {
        if (!database.exists()) {
            return new Found(
                    null,
                    null,
                    ScanState.notScanned("the server has no advisory database yet: run 'vigil db update' in its data"
                            + " directory"));
        }
        if (!inventory.osSupport().scannable()) {
            return new Found(
                    null,
                    database.current(),
                    ScanState.notScanned(inventory.osSupport().reason()));
        }
        AdvisoryDatabase.Read<Matches> read;
        try {
            read = database.read(open -> {
                String uncovered = AdvisoryCoverage.uncovered(inventory, open::covers);
                if (uncovered != null) {
                    return new Matches(uncovered, List.of(), List.of());
                }
                VulnerabilityMatcher.Result result =
                        new VulnerabilityMatcher(open.store()).matchWithWarnings(inventory);
                return new Matches(null, result.vulnerabilities(), result.warnings());
            });
        } catch (IOException e) {
            throw new UncheckedIOException("matching against " + database.file() + " failed: " + e.getMessage(), e);
        }
        Matches matches = read.value();
        if (matches.uncovered() != null) {
            return new Found(null, read.file(), ScanState.notScanned(matches.uncovered()));
        }
        Instant seen = clock.instant();
        List<Finding> found = new ArrayList<>(matches.found().size());
        for (PackageVulnerability match : matches.found()) {
            found.add(VulnerabilityFindings.of(match, resource, seen));
        }
        return new Found(found, read.file(), ScanState.withWarnings(matches.warnings()));
    }

    /** Whether findings matched against {@code file} are still those of the database as it is now. */
    boolean current(@Nullable Object file) {
        return java.util.Objects.equals(file, database.current());
    }

    /** The resource an inventory sent by an agent (or a scan's source) describes. */
    static Resource resourceOf(Inventory inventory, String agentId, String hostname) {
        Target target = inventory.target();
        return switch (target.kind()) {
            case HOST -> new Resource("host", "host:" + agentId, hostname, null, hostname, null, Map.of());
            case IMAGE -> {
                String id = target.digest() != null ? "image:" + target.digest() : "image:" + target.name();
                yield new Resource("container_image", id, target.name(), null, hostname, target.name(), Map.of());
            }
            default ->
                new Resource(
                        target.kind().name().toLowerCase(Locale.ROOT),
                        target.kind().name().toLowerCase(Locale.ROOT) + ":" + agentId + ":" + target.name(),
                        target.name(),
                        null,
                        hostname,
                        null,
                        Map.of());
        };
    }
}
