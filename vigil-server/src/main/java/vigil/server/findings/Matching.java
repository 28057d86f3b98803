package vigil.server.findings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.model.PackageVulnerability;
import vigil.model.Target;
import vigil.model.finding.Category;
import vigil.model.finding.Finding;
import vigil.model.finding.Resource;
import vigil.model.finding.VulnerabilityFindings;
import vigil.server.notify.Notifications;
import vigil.vulndb.match.VulnerabilityMatcher;
import vigil.vulndb.store.AdvisoryStore;

/**
 * Server-side matching: inventories are kept, and matched against the server's advisory database when they arrive
 * and again whenever the database changes, so a new advisory reaches every known host and image without a rescan.
 */
public final class Matching {
    private final Path advisoryDatabase;
    private final FindingWriter findings;
    private final Notifications notifications;
    private final Clock clock;
    /**
     * The advisory database, kept open while its file is unchanged: what it read stays read for the next batch.
     * Matching holds the read lock while it uses the store; replacing it takes the write lock.
     */
    private @Nullable AdvisoryStore store;

    /** The file the open store was opened from: its modification time and file key (inode). */
    private @Nullable Object storeFile;

    private final java.util.concurrent.locks.ReentrantReadWriteLock storeLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    private boolean closed;

    /** Whether the open store has advisories for an ecosystem, by ecosystem; emptied when it is opened again. */
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> covered =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean covers(AdvisoryStore store, String ecosystem) {
        try {
            return store.covers(ecosystem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Matching(Path advisoryDatabase, FindingWriter findings, Notifications notifications, Clock clock) {
        this.advisoryDatabase = advisoryDatabase;
        this.findings = findings;
        this.notifications = notifications;
        this.clock = clock;
    }

    public Path advisoryDatabase() {
        return advisoryDatabase;
    }

    /**
     * An inventory matched and ready to store: its resource, its CycloneDX text, its findings (null when there is no
     * advisory database or its OS cannot be checked) and the advisory database file they come from (null: none).
     */
    public record Matched(
            Resource resource,
            Inventory inventory,
            String sbom,
            @Nullable List<Finding> found,
            @Nullable Object database,
            ScanState state) {
        public Matched {
            found = found == null ? null : List.copyOf(found);
        }
    }

    /**
     * Findings (null: the inventory could not be checked, see {@code state}) and the advisory database file they were
     * matched against.
     */
    private record Found(
            @Nullable List<Finding> findings, @Nullable Object database, ScanState state) {}

    /**
     * Matches an inventory sent by an agent, outside any transaction: the store's write lock is then held only while
     * the result is stored, and batches are matched while others are stored.
     */
    public Matched match(String agentId, String hostname, Inventory inventory) {
        Resource resource = resourceOf(inventory, agentId, hostname);
        StringWriter sbom = new StringWriter();
        CycloneDx.write(inventory, List.of(), "vigil-server", sbom);
        Found found = findings(resource, inventory);
        return new Matched(resource, inventory, sbom.toString(), found.findings(), found.database(), found.state());
    }

    /** Keeps a matched inventory as its resource's latest and replaces its vulnerability findings; returns their count. */
    public int store(Handle handle, String orgId, String agentId, Matched matched) {
        Resource resource = matched.resource();
        Inventory inventory = matched.inventory();
        String sbom = matched.sbom();
        long now = clock.millis();
        Found found = new Found(matched.found(), matched.database(), matched.state());
        if (!java.util.Objects.equals(matched.database(), currentDatabase())) {
            // the advisory database was replaced since the batch was matched: matched again, so that a batch stored
            // after the re-evaluation of every inventory began never keeps what the old database said
            found = findings(resource, inventory);
        }
        int updated = handle.createUpdate("UPDATE inventories SET resource_type = :type, resource_name = :name,"
                        + " agent_id = :agent, inventory = :inventory, os = :os, packages = :packages, scanned_at ="
                        + " :now, scan_state = :state, scan_note = :note WHERE org_id = :org AND resource_id ="
                        + " :resource")
                .bind("type", resource.type())
                .bind("name", resource.name())
                .bind("agent", agentId)
                .bind("inventory", sbom)
                .bind("os", inventory.os() == null ? null : inventory.os().prettyName())
                .bind("packages", inventory.packages().size())
                .bind("now", now)
                .bind("state", found.state().column())
                .bind("note", truncate(found.state().note()))
                .bind("org", orgId)
                .bind("resource", resource.id())
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO inventories (org_id, resource_id, resource_type, resource_name, agent_id,"
                            + " inventory, os, packages, scanned_at, scan_state, scan_note) VALUES (:org, :resource,"
                            + " :type, :name, :agent, :inventory, :os, :packages, :now, :state, :note)")
                    .bind("org", orgId)
                    .bind("resource", resource.id())
                    .bind("type", resource.type())
                    .bind("name", resource.name())
                    .bind("agent", agentId)
                    .bind("inventory", sbom)
                    .bind("os", inventory.os() == null ? null : inventory.os().prettyName())
                    .bind("packages", inventory.packages().size())
                    .bind("now", now)
                    .bind("state", found.state().column())
                    .bind("note", truncate(found.state().note()))
                    .execute();
        }
        return replace(handle, orgId, resource, found.findings());
    }

    private static String truncate(String note) {
        return note.length() <= 1000 ? note : note.substring(0, 999) + "…";
    }

    private int replace(Handle handle, String orgId, Resource resource, @Nullable List<Finding> found) {
        if (found == null) {
            return 0; // not scanned (no database, the OS or its ecosystem not covered): what was known stays
        }
        FindingWriter.Outcome outcome =
                findings.replaceScan(handle, orgId, resource.id(), Category.VULNERABILITY, found);
        notifications.enqueue(handle, orgId, outcome.raised(), outcome.reopenedFindings());
        return found.size();
    }

    /**
     * An inventory's findings (none when there is no advisory database or the OS cannot be checked) and the
     * database file they come from.
     */
    private Found findings(Resource resource, Inventory inventory) {
        if (!AdvisoryStore.exists(advisoryDatabase)) {
            return new Found(
                    null,
                    null,
                    ScanState.notScanned("the server has no advisory database yet: run 'vigil db update' in its data"
                            + " directory"));
        }
        if (!inventory.osSupport().scannable()) {
            return new Found(
                    null,
                    currentDatabase(),
                    ScanState.notScanned(inventory.osSupport().reason()));
        }
        List<PackageVulnerability> matches;
        List<String> warnings = List.of();
        String uncovered;
        Object file;
        try {
            while (true) {
                file = fileIdentity();
                storeLock.readLock().lock();
                try {
                    if (closed) {
                        throw new IllegalStateException("matching is closed (the server is stopping)");
                    }
                    if (store != null && file.equals(storeFile)) {
                        // the rule of 'vigil scan' (ADR 0003): no advisory for the OS's ecosystem, nothing to vouch for
                        AdvisoryStore open = store;
                        uncovered = AdvisoryCoverage.uncovered(
                                inventory, ecosystem -> covered.computeIfAbsent(ecosystem, e -> covers(open, e)));
                        if (uncovered != null) {
                            matches = List.of();
                        } else {
                            VulnerabilityMatcher.Result result =
                                    new VulnerabilityMatcher(store).matchWithWarnings(inventory);
                            matches = result.vulnerabilities();
                            warnings = result.warnings();
                        }
                        break;
                    }
                } finally {
                    storeLock.readLock().unlock();
                }
                // not open yet, or the file was replaced: open it, then match under the read lock
                openStore(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("matching against " + advisoryDatabase + " failed: " + e.getMessage(), e);
        }
        if (uncovered != null) {
            return new Found(null, file, ScanState.notScanned(uncovered));
        }
        Instant seen = clock.instant();
        List<Finding> found = new ArrayList<>(matches.size());
        for (PackageVulnerability match : matches) {
            found.add(VulnerabilityFindings.of(match, resource, seen));
        }
        return new Found(found, file, ScanState.withWarnings(warnings));
    }

    /**
     * Opens the advisory database again when its file changed (an update replaces the file; the old connection
     * would go on reading the old one), once the batches matching with the old one are done.
     */
    private void openStore(Object file) throws IOException {
        storeLock.writeLock().lock();
        try {
            if (closed || (store != null && file.equals(storeFile))) {
                return;
            }
            AdvisoryStore old = store;
            store = AdvisoryStore.open(advisoryDatabase);
            storeFile = file;
            covered.clear();
            if (old != null) {
                try {
                    old.close();
                } catch (IOException e) {
                    // read-only and replaced: nothing is lost
                }
            }
        } finally {
            storeLock.writeLock().unlock();
        }
    }

    private Object fileIdentity() throws IOException {
        var attributes = Files.readAttributes(advisoryDatabase, java.nio.file.attribute.BasicFileAttributes.class);
        return java.util.Arrays.asList(attributes.lastModifiedTime(), attributes.fileKey(), attributes.size());
    }

    /** The advisory database file as it is now (null when there is none). */
    private @Nullable Object currentDatabase() {
        try {
            return AdvisoryStore.exists(advisoryDatabase) ? fileIdentity() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes the open advisory database; matching afterwards is refused (the server is stopping). */
    public void close() throws IOException {
        storeLock.writeLock().lock();
        try {
            closed = true;
            AdvisoryStore open = store;
            store = null;
            storeFile = null;
            if (open != null) {
                open.close();
            }
        } finally {
            storeLock.writeLock().unlock();
        }
    }

    /** Matches every stored inventory of every organization again (after an advisory database update). */
    public int reevaluateAll(Jdbi jdbi) {
        record Stored(String orgId, String resourceId, String type, String name, String agentId, String sbom) {}
        List<Stored> stored = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT org_id, resource_id, resource_type, resource_name, agent_id, inventory FROM inventories")
                .map((rs, ctx) -> new Stored(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        String.valueOf(rs.getString(5)),
                        rs.getString(6)))
                .list());
        int total = 0;
        for (Stored inventory : stored) {
            Inventory parsed;
            try {
                parsed = CycloneDx.read(
                        new ByteArrayInputStream(inventory.sbom().getBytes(StandardCharsets.UTF_8)),
                        "stored inventory of " + inventory.resourceId(),
                        true);
            } catch (IOException e) {
                continue; // unreadable rows were accepted by an older server; they are replaced on the next scan
            }
            Resource resource = new Resource(
                    inventory.type(), inventory.resourceId(), inventory.name(), null, null, null, Map.of());
            Found found = findings(resource, parsed);
            total += jdbi.inTransaction(handle -> {
                handle.createUpdate("UPDATE inventories SET scan_state = :state, scan_note = :note WHERE org_id = :org"
                                + " AND resource_id = :resource")
                        .bind("state", found.state().column())
                        .bind("note", truncate(found.state().note()))
                        .bind("org", inventory.orgId())
                        .bind("resource", inventory.resourceId())
                        .execute();
                return replace(handle, inventory.orgId(), resource, found.findings());
            });
        }
        return total;
    }

    /** The advisory database's modification time, to notice updates. */
    public long databaseStamp() {
        try {
            return Files.isRegularFile(advisoryDatabase)
                    ? Files.getLastModifiedTime(advisoryDatabase).toMillis()
                    : 0;
        } catch (IOException e) {
            return 0;
        }
    }

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
                        target.kind().name().toLowerCase(java.util.Locale.ROOT),
                        target.kind().name().toLowerCase(java.util.Locale.ROOT) + ":" + agentId + ":" + target.name(),
                        target.name(),
                        null,
                        hostname,
                        null,
                        Map.of());
        };
    }
}
