package vigil.server.findings;

import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Changes to {@code finding_counts}, collected during a change of findings and applied in its transaction. */
final class StatusCounts {
    private final String orgId;
    private final String category;
    // sorted: concurrent transactions on PostgreSQL take the rows' locks in one order and cannot deadlock
    private final Map<String, Long> deltas = new java.util.TreeMap<>();

    StatusCounts(String orgId, String category) {
        this.orgId = orgId;
        this.category = category;
    }

    void add(String status, int rank, long delta) {
        deltas.merge(status + "\u0000" + rank, delta, Long::sum);
    }

    void apply(Handle handle) {
        for (Map.Entry<String, Long> delta : deltas.entrySet()) {
            if (delta.getValue() == 0) {
                continue;
            }
            String[] key = delta.getKey().split("\u0000");
            // one statement on both stores: SQLite and PostgreSQL share the upsert syntax
            handle.createUpdate("INSERT INTO finding_counts (org_id, category, status, severity_rank, n)"
                            + " VALUES (:org, :category, :status, :rank, :delta) ON CONFLICT (org_id, category,"
                            + " status, severity_rank) DO UPDATE SET n = finding_counts.n + excluded.n")
                    .bind("org", orgId)
                    .bind("category", category)
                    .bind("status", key[0])
                    .bind("rank", Integer.parseInt(key[1]))
                    .bind("delta", delta.getValue())
                    .execute();
        }
    }
}
