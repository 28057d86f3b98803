package vigil.spi.intake;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What waits in an intake queue for the workers: batches acknowledged to agents but not stored yet.
 *
 * @param waiting batches waiting over all partitions
 * @param stalledSeconds the longest time a partition with waiting batches has made no progress (0 when all move)
 * @param problem why the backlog could not be read (the brokers do not answer), else null
 */
public record QueueBacklog(
        long waiting,
        List<Partition> partitions,
        long stalledSeconds,
        @Nullable String problem) {
    public QueueBacklog {
        partitions = List.copyOf(partitions);
    }

    /** One partition: its batches waiting and for how long it has made no progress while some wait. */
    public record Partition(int partition, long waiting, long stalledSeconds) {}
}
