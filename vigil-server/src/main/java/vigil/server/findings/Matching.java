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
    private final FindingStore findings;
    private final Notifications notifications;
    private final Clock clock;

    public Matching(Path advisoryDatabase, FindingStore findings, Notifications notifications, Clock clock) {
        this.advisoryDatabase = advisoryDatabase;
        this.findings = findings;
        this.notifications = notifications;
        this.clock = clock;
    }

    public Path advisoryDatabase() {
        return advisoryDatabase;
    }

    /** Keeps the inventory as the resource's latest and replaces its vulnerability findings; returns their count. */
    public int storeAndMatch(Handle handle, String orgId, String agentId, String hostname, Inventory inventory) {
        Resource resource = resourceOf(inventory, agentId, hostname);
        StringWriter sbom = new StringWriter();
        CycloneDx.write(inventory, List.of(), "vigil-server", sbom);
        long now = clock.millis();
        int updated = handle.createUpdate("UPDATE inventories SET resource_type = :type, resource_name = :name,"
                        + " agent_id = :agent, inventory = :inventory, os = :os, packages = :packages, scanned_at ="
                        + " :now WHERE org_id = :org AND resource_id = :resource")
                .bind("type", resource.type())
                .bind("name", resource.name())
                .bind("agent", agentId)
                .bind("inventory", sbom.toString())
                .bind("os", inventory.os() == null ? null : inventory.os().prettyName())
                .bind("packages", inventory.packages().size())
                .bind("now", now)
                .bind("org", orgId)
                .bind("resource", resource.id())
                .execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO inventories (org_id, resource_id, resource_type, resource_name, agent_id,"
                            + " inventory, os, packages, scanned_at) VALUES (:org, :resource, :type, :name, :agent,"
                            + " :inventory, :os, :packages, :now)")
                    .bind("org", orgId)
                    .bind("resource", resource.id())
                    .bind("type", resource.type())
                    .bind("name", resource.name())
                    .bind("agent", agentId)
                    .bind("inventory", sbom.toString())
                    .bind("os", inventory.os() == null ? null : inventory.os().prettyName())
                    .bind("packages", inventory.packages().size())
                    .bind("now", now)
                    .execute();
        }
        return match(handle, orgId, resource, inventory);
    }

    private int match(Handle handle, String orgId, Resource resource, Inventory inventory) {
        List<PackageVulnerability> matches = matches(inventory);
        if (matches == null) {
            return 0; // no database or the OS cannot be checked: what was known stays as it was
        }
        Instant seen = clock.instant();
        List<Finding> found = new ArrayList<>(matches.size());
        for (PackageVulnerability match : matches) {
            found.add(VulnerabilityFindings.of(match, resource, seen));
        }
        FindingStore.Outcome outcome =
                findings.replaceScan(handle, orgId, resource.id(), Category.VULNERABILITY, found);
        notifications.enqueue(handle, orgId, outcome.raised());
        return found.size();
    }

    /** The matches of an inventory; null when there is no advisory database or the OS cannot be checked. */
    private @Nullable List<PackageVulnerability> matches(Inventory inventory) {
        if (!AdvisoryStore.exists(advisoryDatabase) || !inventory.osSupport().scannable()) {
            return null;
        }
        try (AdvisoryStore store = AdvisoryStore.open(advisoryDatabase)) {
            return new VulnerabilityMatcher(store).match(inventory);
        } catch (IOException e) {
            throw new UncheckedIOException("matching against " + advisoryDatabase + " failed: " + e.getMessage(), e);
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
            total += jdbi.inTransaction(handle -> match(handle, inventory.orgId(), resource, parsed));
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
