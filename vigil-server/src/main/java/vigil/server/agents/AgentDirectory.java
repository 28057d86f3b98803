package vigil.server.agents;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code agents} table for the API and the setup page, so that neither runs SQL: both answer from these
 * records (ADR 0030, "no JDBC in UI or HTTP code").
 */
public final class AgentDirectory {
    private final Jdbi jdbi;

    public AgentDirectory(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * An agent as stored. {@code facts} and {@code capabilities} are the JSON it reported; {@code spool} is null when
     * it does not report its spool, {@code apiKey} when no intake key is bound to it (ADR 0015).
     */
    public record Agent(
            String id,
            String hostname,
            String version,
            String deployment,
            String facts,
            String capabilities,
            long firstSeen,
            long lastSeen,
            @Nullable Spool spool,
            @Nullable BoundKey apiKey) {}

    /**
     * The agent's spool as it last reported it. {@code droppedSections}: the JSON object of sections kept in order
     * (KEEP) that a full spool dropped, per type, as its last batch said; null when no batch said.
     */
    public record Spool(
            long pending,
            long pendingBytes,
            long dropped,
            long droppedBytes,
            @Nullable String droppedSections) {}

    /** The intake key an agent is bound to. */
    public record BoundKey(String id, @Nullable String name) {}

    /** The organization's agents by host name. */
    public List<Agent> list(String orgId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT a.id, a.hostname, a.version, a.deployment, a.facts, a.capabilities, a.first_seen,"
                                + " a.last_seen, a.spool_pending, a.spool_pending_bytes, a.spool_dropped,"
                                + " a.spool_dropped_bytes, b.key_id, k.name, (SELECT bt.dropped_sections FROM batches bt"
                                + " WHERE bt.org_id = a.org_id AND bt.source_kind = 'agent' AND bt.source_id = a.id"
                                + " ORDER BY bt.received_at DESC LIMIT 1) FROM agents a LEFT JOIN intake_bindings b"
                                + " ON b.org_id = a.org_id AND b.subject = 'agent:' || a.id LEFT JOIN api_keys k ON"
                                + " k.id = b.key_id WHERE a.org_id = :org ORDER BY a.hostname")
                .bind("org", orgId)
                .map((rs, context) -> {
                    Spool spool = null;
                    long pending = rs.getLong(9);
                    if (!rs.wasNull()) {
                        spool = new Spool(pending, rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getString(15));
                    }
                    String keyId = rs.getString(13);
                    return new Agent(
                            rs.getString(1),
                            String.valueOf(rs.getString(2)),
                            String.valueOf(rs.getString(3)),
                            String.valueOf(rs.getString(4)),
                            String.valueOf(rs.getString(5)),
                            String.valueOf(rs.getString(6)),
                            rs.getLong(7),
                            rs.getLong(8),
                            spool,
                            keyId == null ? null : new BoundKey(keyId, rs.getString(14)));
                })
                .list());
    }
}
