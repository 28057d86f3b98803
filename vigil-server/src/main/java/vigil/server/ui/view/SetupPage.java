package vigil.server.ui.view;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Setup: the server's health, the agents with what each can run, and the matrix of what runs where. */
public record SetupPage(
        PageFrame frame,
        Status status,
        List<String> capabilities,
        List<AgentRow> agents,
        List<vigil.server.ui.SetupSection> sections,
        List<MatrixRow> matrix) {
    public SetupPage {
        capabilities = List.copyOf(capabilities);
        agents = List.copyOf(agents);
        sections = List.copyOf(sections);
        matrix = List.copyOf(matrix);
    }

    /** The server's health: ok, or degraded with its reasons, and the intake queue's backlog when there is one. */
    public record Status(
            boolean ok, List<String> reasons, @Nullable Queue queue) {
        public Status {
            reasons = List.copyOf(reasons);
        }
    }

    /** The intake queue's backlog. */
    public record Queue(long waiting, long stalledSeconds, List<Partition> partitions) {
        public Queue {
            partitions = List.copyOf(partitions);
        }
    }

    public record Partition(int partition, long waiting, long stalledSeconds) {}

    /**
     * One agent's host.
     *
     * @param olderThan the minimum version it is older than, else null
     * @param droppedBatches batches its spool discarded (0: no warning)
     * @param droppedSections sections kept in order (signals) its full spool dropped, as "type: count" (ADR 0031)
     */
    public record AgentRow(
            String hostname,
            String resourceHref,
            String deployment,
            String version,
            @Nullable String olderThan,
            String lastSeen,
            boolean stale,
            long droppedBatches,
            long droppedBytes,
            List<String> droppedSections,
            List<CapabilityCell> capabilities) {
        public AgentRow {
            droppedSections = List.copyOf(droppedSections);
            capabilities = List.copyOf(capabilities);
        }
    }

    /**
     * What the agent reported for one capability: nothing ({@code state} null), or its state, with {@code notBuilt}
     * when the host meets the prerequisites of a capability Vigil has no code for, and the unmet prerequisites.
     */
    public record CapabilityCell(String id, @Nullable Badge state, boolean notBuilt, List<String> unmet) {
        public CapabilityCell {
            unmet = List.copyOf(unmet);
        }
    }

    /** One deployment type of the matrix. */
    public record MatrixRow(String deployment, boolean agentRequired, List<MatrixCell> cells) {
        public MatrixRow {
            cells = List.copyOf(cells);
        }
    }

    /** A capability's availability in a deployment type (null when unavailable) and whether Vigil runs it. */
    public record MatrixCell(@Nullable Badge availability, boolean notBuilt) {}
}
