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
    /**
     * Package sets matched lately, with what they matched. Hosts built from one image send the same packages, and
     * every agent sends its unchanged inventory again each interval: those batches are matched once per advisory
     * database file. Bounded, since a large host's matches hold thousands of entries.
     */
    static final int RECENT = 8;

    private final AdvisoryDatabase database;
    private final Clock clock;
    private final Map<MatchKey, Matches> recent =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<MatchKey, Matches> eldest) {
                    return size() > RECENT;
                }
            });

    /** How many inventories were matched rather than answered from {@link #recent}: for tests. */
    private final java.util.concurrent.atomic.AtomicLong matched = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The database file an inventory is matched against and a SHA-256 of everything matching reads of the inventory:
     * its operating system, support verdict and each package's identity and versions (never its target, so one
     * image's hosts share an entry, nor its file lists, which matching does not read and the key need not hold).
     */
    private record MatchKey(Object databaseFile, String packages) {
        static MatchKey of(Object databaseFile, Inventory inventory) {
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
            StringBuilder text = new StringBuilder(256);
            field(text, String.valueOf(inventory.os()));
            field(text, String.valueOf(inventory.osSupport()));
            sha.update(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (vigil.model.InstalledPackage pkg : inventory.packages()) {
                text.setLength(0);
                field(text, pkg.type().name());
                field(text, pkg.name());
                field(text, String.valueOf(pkg.epoch()));
                field(text, pkg.version());
                field(text, String.valueOf(pkg.release()));
                field(text, String.valueOf(pkg.arch()));
                field(text, String.valueOf(pkg.sourceName()));
                field(text, String.valueOf(pkg.sourceVersion()));
                field(text, pkg.purl());
                sha.update(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return new MatchKey(databaseFile, java.util.HexFormat.of().formatHex(sha.digest()));
        }

        /** Each field with its length before it: no two different inventories give the same text. */
        private static void field(StringBuilder text, String value) {
            text.append(value.length()).append(':').append(value);
        }
    }

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

    private record Matches(@Nullable String uncovered, List<PackageVulnerability> found, List<String> warnings) {
        Matches {
            found = List.copyOf(found);
            warnings = List.copyOf(warnings);
        }
    }

    /** Inventories matched against the database rather than answered from the recent ones. */
    long matchedCount() {
        return matched.get();
    }

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
                MatchKey key = MatchKey.of(open.file(), inventory);
                Matches known = recent.get(key);
                if (known != null) {
                    return known;
                }
                matched.incrementAndGet();
                String uncovered = AdvisoryCoverage.uncovered(inventory, open::covers);
                Matches matches;
                if (uncovered != null) {
                    matches = new Matches(uncovered, List.of(), List.of());
                } else {
                    VulnerabilityMatcher.Result result =
                            new VulnerabilityMatcher(open.stores()).matchWithWarnings(inventory);
                    matches = new Matches(null, result.vulnerabilities(), result.warnings());
                }
                recent.put(key, matches);
                return matches;
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
