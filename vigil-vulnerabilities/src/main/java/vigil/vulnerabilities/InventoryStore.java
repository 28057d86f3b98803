package vigil.vulnerabilities;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import vigil.model.Inventory;
import vigil.model.Severity;
import vigil.model.finding.Resource;

/**
 * The vulnerability wing's table {@code inventories}: each resource's latest inventory (as CycloneDX), what its scan
 * found possible ({@link ScanState}), and the reads of it that the wing's pages and re-evaluation make.
 */
public final class InventoryStore {
    private final Jdbi jdbi;

    InventoryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Keeps an inventory as its resource's latest, in the caller's transaction. */
    static void keep(
            Handle handle,
            String orgId,
            Resource resource,
            String agentId,
            Inventory inventory,
            String sbom,
            ScanState state,
            long now) {
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
                .bind("state", state.column())
                .bind("note", truncate(state.note()))
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
                    .bind("state", state.column())
                    .bind("note", truncate(state.note()))
                    .execute();
        }
    }

    /** Records a new scan state of a kept inventory (after a re-evaluation), in the caller's transaction. */
    static void rescanned(Handle handle, String orgId, String resourceId, ScanState state) {
        handle.createUpdate("UPDATE inventories SET scan_state = :state, scan_note = :note WHERE org_id = :org"
                        + " AND resource_id = :resource")
                .bind("state", state.column())
                .bind("note", truncate(state.note()))
                .bind("org", orgId)
                .bind("resource", resourceId)
                .execute();
    }

    private static String truncate(String note) {
        return note.length() <= 1000 ? note : note.substring(0, 999) + "…";
    }

    /** A kept inventory, to match again. */
    record Kept(String orgId, String resourceId, String type, String name, String sbom) {}

    /** Every kept inventory of every organization. */
    List<Kept> all() {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT org_id, resource_id, resource_type, resource_name, inventory FROM inventories")
                .map((rs, ctx) ->
                        new Kept(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list());
    }

    /** A resource's last inventory, as stored. */
    public record Stored(
            String type,
            String name,
            @Nullable String os,
            int packages,
            long scannedAt,
            String sbom,
            @Nullable String scanState,
            @Nullable String scanNote) {}

    /** A resource's last inventory. Columns go through Jdbi's {@code RowView}: no JDBC type reaches a page. */
    public Optional<Stored> find(String orgId, String resourceId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT resource_type, resource_name, os, packages,"
                        + " scanned_at, inventory, scan_state, scan_note FROM inventories"
                        + " WHERE org_id = :org AND resource_id = :id")
                .bind("org", orgId)
                .bind("id", resourceId)
                .map(row -> new Stored(
                        String.valueOf(row.getColumn(1, String.class)),
                        String.valueOf(row.getColumn(2, String.class)),
                        row.getColumn(3, String.class),
                        (int) number(row.getColumn(4, Long.class)),
                        number(row.getColumn(5, Long.class)),
                        String.valueOf(row.getColumn(6, String.class)),
                        row.getColumn(7, String.class),
                        row.getColumn(8, String.class)))
                .findOne());
    }

    /** A NULL number column read as 0, as JDBC's {@code getLong} reads it. */
    private static long number(@Nullable Long value) {
        return value == null ? 0 : value;
    }

    /**
     * One resource with an inventory: its unresolved vulnerability findings, worst severity (null: none) and scan
     * state as a page says it.
     */
    public record ScannedResource(
            String id, String name, long findings, @Nullable Severity severity, String scan) {}

    /** One page of resources and how many there are in all. */
    public record ResourcePage(long total, List<ScannedResource> rows) {
        public ResourcePage {
            rows = List.copyOf(rows);
        }
    }

    /**
     * Hosts (and root filesystems and SBOMs) or images of an organization, one row per resource with an inventory
     * (ADR 0029): resources that could not be scanned come first, then the most exposed.
     */
    public ResourcePage resources(String orgId, boolean images, int limit, int offset, long now) {
        String kind = images ? " AND i.resource_type = 'container_image'" : " AND i.resource_type <> 'container_image'";
        String worst = "CASE WHEN c.rank5 > 0 THEN 5 WHEN c.rank4 > 0 THEN 4 WHEN c.rank3 > 0 THEN 3 WHEN c.rank2 > 0"
                + " THEN 2 WHEN c.rank1 > 0 THEN 1 WHEN c.rank0 > 0 THEN 0 ELSE -1 END";
        return jdbi.withHandle(handle -> new ResourcePage(
                handle.createQuery("SELECT COUNT(*) FROM inventories i WHERE i.org_id = :org" + kind)
                        .bind("org", orgId)
                        .mapTo(Long.class)
                        .one(),
                handle.createQuery("SELECT i.resource_id, i.resource_name, COALESCE(c.findings, 0), " + worst
                                + ", i.scan_state, i.scan_note, i.scanned_at FROM inventories i LEFT JOIN"
                                + " resource_counts c ON c.org_id = i.org_id AND c.category = 'vulnerability' AND"
                                + " c.resource_id = i.resource_id WHERE"
                                + " i.org_id = :org" + kind + " ORDER BY CASE WHEN i.scan_state = 'not_scanned' THEN 1"
                                + " ELSE 0 END DESC, " + worst + " DESC, COALESCE(c.findings, 0) DESC,"
                                + " i.resource_name, i.resource_id LIMIT :limit OFFSET :offset")
                        .bind("org", orgId)
                        .bind("limit", limit)
                        .bind("offset", offset)
                        .map((rs, ctx) -> {
                            int rank = rs.getInt(4);
                            return new ScannedResource(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getLong(3),
                                    rank < 0 ? null : Severity.values()[rank],
                                    ScanState.describe(rs.getString(5), rs.getString(6), rs.getLong(7), now));
                        })
                        .list()));
    }
}
