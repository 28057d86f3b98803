package vigil.server.ui;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * The agents the setup page lists. Columns are mapped through Jdbi's {@code RowView}, so no JDBC type reaches the UI;
 * the read moves to an agent store when ADR 0030's stage 4 splits the stores.
 */
final class Agents {
    private final Jdbi jdbi;

    Agents(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** An agent as stored: its host, version, last report, reported capabilities (JSON) and spool losses. */
    record Agent(
            String hostname,
            String deployment,
            String version,
            long lastSeen,
            String capabilities,
            String id,
            long dropped,
            long droppedBytes) {}

    List<Agent> list(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT hostname, deployment, version, last_seen,"
                        + " capabilities, id, spool_dropped, spool_dropped_bytes FROM agents"
                        + " WHERE org_id = :org ORDER BY hostname")
                .bind("org", orgId)
                .map(row -> new Agent(
                        String.valueOf(row.getColumn(1, String.class)),
                        String.valueOf(row.getColumn(2, String.class)),
                        String.valueOf(row.getColumn(3, String.class)),
                        number(row.getColumn(4, Long.class)),
                        String.valueOf(row.getColumn(5, String.class)),
                        String.valueOf(row.getColumn(6, String.class)),
                        number(row.getColumn(7, Long.class)),
                        number(row.getColumn(8, Long.class))))
                .list());
    }

    /** A NULL number column read as 0, as JDBC's {@code getLong} reads it (agents reported before migration 13 have NULL). */
    static long number(@Nullable Long value) {
        return value == null ? 0 : value;
    }
}
