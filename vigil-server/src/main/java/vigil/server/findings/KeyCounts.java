package vigil.server.findings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import vigil.model.Severity;

/**
 * Changes to a running-counts table of one category keyed by a value of its findings ({@code vulnerability_counts}
 * by rule, {@code package_counts} by package: unresolved findings by severity rank, and the number of resources
 * with one) made by one scan, per resource, applied in its transaction.
 */
final class KeyCounts {
    private static final int RANKS = Severity.values().length;
    private final String table;
    private final String column;
    private final String value;
    private final String join;
    private final String orgId;
    private final String category;
    private final java.util.Set<String> fresh;
    // resource → key → change per rank (hashed: a scan adds thousands of findings; apply sorts the keys once)
    private final Map<String, Map<String, long[]>> deltas = new HashMap<>();

    /**
     * @param column the key's column in {@code table}
     * @param value the key read from a finding {@code f} (and {@code join}ed tables)
     * @param fresh resources that had no unresolved finding of the category before the scan
     */
    KeyCounts(
            String table,
            String column,
            String value,
            String join,
            String orgId,
            String category,
            java.util.Set<String> fresh) {
        this.table = table;
        this.column = column;
        this.value = value;
        this.join = join;
        this.orgId = orgId;
        this.category = category;
        this.fresh = fresh;
    }

    /** The changes of all keys together, per resource and severity rank: the resources' own. */
    Map<String, long[]> totals() {
        Map<String, long[]> totals = new HashMap<>();
        deltas.forEach((resource, keys) -> {
            long[] sum = totals.computeIfAbsent(resource, r -> new long[RANKS]);
            keys.values().forEach(ranks -> {
                for (int rank = 0; rank < RANKS; rank++) {
                    sum[rank] += ranks[rank];
                }
            });
        });
        return totals;
    }

    /** Counts a finding of {@code key} entering (+1) or leaving (-1) {@code status}; resolved ones don't count. */
    void add(String resourceId, @Nullable String key, String status, int rank, long delta) {
        if (key != null && !status.equals("resolved")) {
            deltas.computeIfAbsent(resourceId, r -> new HashMap<>()).computeIfAbsent(key, k -> new long[RANKS])[rank] +=
                    delta;
        }
    }

    void apply(Handle handle) {
        // per key: the change of findings per rank, and of the resources having one
        Map<String, long[]> ranksByKey = new HashMap<>();
        Map<String, Long> resourcesByKey = new HashMap<>();
        List<String> unread = new ArrayList<>();
        Map<String, Map<String, Long>> changed = new HashMap<>();
        deltas.forEach((resource, keys) -> keys.forEach((key, ranks) -> {
            long[] sum = ranksByKey.computeIfAbsent(key, k -> new long[RANKS]);
            for (int rank = 0; rank < RANKS; rank++) {
                sum[rank] += ranks[rank];
            }
            long total = java.util.Arrays.stream(ranks).sum();
            if (total != 0) {
                changed.computeIfAbsent(resource, r -> new HashMap<>()).put(key, total);
            }
        }));
        // Whether a resource still has (or now has) a finding of a key is read back after the changes: the
        // resource's findings of other scopes may carry the same key.
        Map<String, Map<String, Long>> after = new HashMap<>();
        changed.forEach((resource, keys) -> {
            if (fresh.contains(resource)) {
                after.put(resource, keys); // nothing before, so the changes are all there is
            } else {
                unread.add(resource);
            }
        });
        for (int from = 0; from < unread.size(); from += 500) {
            handle.createQuery("SELECT f.resource_id, " + value + ", COUNT(*) FROM findings f" + join
                            + " WHERE f.org_id = :org AND f.resource_id IN (<resources>) AND f.category ="
                            + " :category AND f.status <> 'resolved' GROUP BY f.resource_id, " + value)
                    .bind("org", orgId)
                    .bind("category", category)
                    .bindList("resources", unread.subList(from, Math.min(unread.size(), from + 500)))
                    .map((rs, ctx) -> after.computeIfAbsent(rs.getString(1), r -> new HashMap<>())
                            .put(rs.getString(2), rs.getLong(3)))
                    .list();
        }
        changed.forEach((resource, keys) -> keys.forEach((key, total) -> {
            long now = after.getOrDefault(resource, Map.of()).getOrDefault(key, 0L);
            long before = now - total;
            resourcesByKey.merge(key, (long) ((now > 0 ? 1 : 0) - (before > 0 ? 1 : 0)), Long::sum);
        }));
        StringBuilder sql = new StringBuilder(
                "INSERT INTO " + table + " (org_id, category, " + column + ", findings, resources, max_rank");
        for (int rank = 0; rank < RANKS; rank++) {
            sql.append(", rank").append(rank);
        }
        // positional parameters through RowBatch: a new host changes thousands of rules' rows, and binding Jdbi's
        // named parameters row by row cost more than the upserts
        sql.append(") VALUES (?, ?, ?, ?, ?, ?");
        for (int rank = 0; rank < RANKS; rank++) {
            sql.append(", ?");
        }
        sql.append(") ON CONFLICT (org_id, category, " + column + ") DO UPDATE SET findings = " + table
                + ".findings + excluded.findings, resources = " + table + ".resources + excluded.resources");
        for (int rank = 0; rank < RANKS; rank++) {
            sql.append(", rank%1$d = %2$s.rank%1$d + excluded.rank%1$d".formatted(rank, table));
        }
        // the SET expressions read the row as it was, so the worst rank is computed from old + delta
        sql.append(", max_rank = CASE");
        for (int rank = RANKS - 1; rank >= 0; rank--) {
            sql.append(" WHEN %2$s.rank%1$d + excluded.rank%1$d > 0 THEN %1$d".formatted(rank, table));
        }
        sql.append(" ELSE -1 END");
        RowBatch batch = new RowBatch(handle, sql.toString());
        Object[] row = new Object[6 + RANKS];
        // sorted: concurrent transactions on PostgreSQL take the rows' locks in one order and cannot deadlock
        for (Map.Entry<String, long[]> entry : ranksByKey.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .toList()) {
            long[] ranks = entry.getValue();
            long sum = java.util.Arrays.stream(ranks).sum();
            long resources = resourcesByKey.getOrDefault(entry.getKey(), 0L);
            if (sum == 0 && resources == 0 && java.util.Arrays.stream(ranks).allMatch(d -> d == 0)) {
                continue;
            }
            int max = -1;
            for (int rank = RANKS - 1; rank >= 0 && max < 0; rank--) {
                if (ranks[rank] > 0) {
                    max = rank;
                }
            }
            row[0] = orgId;
            row[1] = category;
            row[2] = entry.getKey();
            row[3] = sum;
            row[4] = resources;
            row[5] = max;
            for (int rank = 0; rank < RANKS; rank++) {
                row[6 + rank] = ranks[rank];
            }
            batch.add(row);
        }
        batch.execute();
    }
}
