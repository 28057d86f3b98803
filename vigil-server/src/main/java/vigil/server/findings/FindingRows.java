package vigil.server.findings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import vigil.server.findings.FindingQueries.Row;

/** How the findings list reads its rows: their columns, their order, and their vulnerability details. */
final class FindingRows {
    private FindingRows() {}

    /**
     * The columns of a listed finding read from {@code findings}; a page's vulnerability details are read after it,
     * by key, so every list keeps the plan it had when they were columns of {@code findings}.
     */
    static final String COLUMNS = "id, category, rule_id, title, severity, status, resource_id,"
            + " resource_type, resource_name, first_seen, last_seen, resolved_at, muted_reason, muted_until, assignee,"
            + " severity_rank";

    static final String ORDER = " ORDER BY severity_rank DESC, last_seen DESC, id DESC";

    /** A listed finding read from {@link #COLUMNS}, without its vulnerability details (see {@link #withDetails}). */
    static Row read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Row(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                null,
                null,
                null,
                null,
                rs.getLong(10),
                rs.getLong(11),
                FindingSql.nullableLong(rs, 12),
                rs.getString(13),
                FindingSql.nullableLong(rs, 14),
                rs.getString(15));
    }

    /** The rows with their vulnerability details, read by key for the page's findings that have them. */
    static List<Row> withDetails(Handle handle, String orgId, List<Row> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, List<@Nullable String>> details = new HashMap<>();
        handle.createQuery("SELECT finding_id, package_name, package_version, fixed_version, fix_state FROM"
                        + " vulnerability_details WHERE org_id = :org AND finding_id IN (<ids>)")
                .bind("org", orgId)
                .bindList("ids", rows.stream().map(Row::id).distinct().toList())
                .map((rs, ctx) -> details.put(
                        rs.getString(1),
                        java.util.Arrays.asList(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))))
                .list();
        if (details.isEmpty()) {
            return rows;
        }
        return rows.stream()
                .map(row -> {
                    List<@Nullable String> d = details.get(row.id());
                    return d == null
                            ? row
                            : new Row(
                                    row.id(),
                                    row.category(),
                                    row.ruleId(),
                                    row.title(),
                                    row.severity(),
                                    row.status(),
                                    row.resourceId(),
                                    row.resourceType(),
                                    row.resourceName(),
                                    d.get(0),
                                    d.get(1),
                                    d.get(2),
                                    d.get(3),
                                    row.firstSeen(),
                                    row.lastSeen(),
                                    row.resolvedAt(),
                                    row.mutedReason(),
                                    row.mutedUntil(),
                                    row.assignee());
                })
                .toList();
    }
}
