package vigil.server.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.server.agents.AgentDirectory;
import vigil.server.findings.FindingQueries;

/**
 * What the API answers, as records of its own (ADR 0030): a store may change its rows without changing a documented
 * answer (docs/openapi.yaml). Components are in the order the answer has always listed them.
 */
final class ApiViews {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiViews() {}

    /** A finding in {@code GET /api/v1/findings}; times in epoch milliseconds. */
    record FindingView(
            String id,
            String category,
            String ruleId,
            String title,
            String severity,
            String status,
            String resourceId,
            String resourceType,
            String resourceName,
            @Nullable String packageName,
            @Nullable String packageVersion,
            @Nullable String fixedVersion,
            @Nullable String fixState,
            long firstSeen,
            long lastSeen,
            @Nullable Long resolvedAt,
            @Nullable String mutedReason,
            @Nullable Long mutedUntil,
            @Nullable String assignee) {
        static FindingView of(FindingQueries.Row row) {
            return new FindingView(
                    row.id(),
                    row.category(),
                    row.ruleId(),
                    row.title(),
                    row.severity(),
                    row.status(),
                    row.resourceId(),
                    row.resourceType(),
                    row.resourceName(),
                    row.packageName(),
                    row.packageVersion(),
                    row.fixedVersion(),
                    row.fixState(),
                    row.firstSeen(),
                    row.lastSeen(),
                    row.resolvedAt(),
                    row.mutedReason(),
                    row.mutedUntil(),
                    row.assignee());
        }
    }

    /** One page of findings; {@code next} is the cursor of the page after it, null on the last page (ADR 0028). */
    record FindingPage(
            long total,
            boolean totalExact,
            int limit,
            int offset,
            Map<String, Map<String, Long>> facets,
            List<FindingView> findings,
            @Nullable String next) {
        static FindingPage of(FindingQueries.Page page, int limit, int offset) {
            return new FindingPage(
                    page.total(),
                    page.totalExact(),
                    limit,
                    offset,
                    page.facets(),
                    page.rows().stream().map(FindingView::of).toList(),
                    page.next() == null ? null : page.next().token());
        }
    }

    /** An agent in {@code GET /api/v1/agents}; {@code spool} null when it does not report one. */
    record AgentView(
            String id,
            String hostname,
            String version,
            String deployment,
            JsonNode facts,
            JsonNode capabilities,
            String firstSeen,
            String lastSeen,
            boolean stale,
            @Nullable SpoolView spool,
            @Nullable KeyView apiKey) {
        static AgentView of(AgentDirectory.Agent agent, long staleBefore) {
            AgentDirectory.Spool spool = agent.spool();
            AgentDirectory.BoundKey key = agent.apiKey();
            return new AgentView(
                    agent.id(),
                    agent.hostname(),
                    agent.version(),
                    agent.deployment(),
                    JSON.readTree(agent.facts()),
                    JSON.readTree(agent.capabilities()),
                    Instant.ofEpochMilli(agent.firstSeen()).toString(),
                    Instant.ofEpochMilli(agent.lastSeen()).toString(),
                    agent.lastSeen() < staleBefore,
                    spool == null
                            ? null
                            : new SpoolView(
                                    spool.pending(),
                                    spool.pendingBytes(),
                                    spool.dropped(),
                                    spool.droppedBytes(),
                                    spool.droppedSections() == null
                                            ? JSON.createObjectNode()
                                            : JSON.readTree(spool.droppedSections())),
                    key == null ? null : new KeyView(key.id(), key.name()));
        }
    }

    /** An agent's spool; {@code droppedSections}: KEEP sections a full spool dropped, per type. */
    record SpoolView(long pending, long pendingBytes, long dropped, long droppedBytes, JsonNode droppedSections) {}

    /** The intake key an agent is bound to (ADR 0015). */
    record KeyView(String id, @Nullable String name) {}

    /** {@code GET /api/v1/findings/{id}/history}: the finding and its events, oldest first. */
    record History(String id, List<HistoryEvent> events) {
        History {
            events = List.copyOf(events);
        }
    }

    /** One event of a finding's history; {@code actor} and {@code detail} are null where there is none. */
    record HistoryEvent(
            String at,
            String kind,
            @Nullable String actor,
            @Nullable String detail) {
        static HistoryEvent of(vigil.server.findings.Triage.Event event) {
            return new HistoryEvent(event.at().toString(), event.kind(), event.actor(), event.detail());
        }
    }
}
