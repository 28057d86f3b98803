package vigil.agent.run;

import java.io.IOException;
import java.util.List;
import vigil.agent.collect.Collector;

/**
 * One agent cycle: make a batch (a heartbeat, or with the host's inventory) that carries the spool's status, spool
 * it, then try to send everything spooled, in order. {@link AgentLoop} decides when.
 */
public final class AgentRunner {
    /** Makes the agent's batches: {@link BatchMaker} on a machine, a hand-written fake in tests. */
    @FunctionalInterface
    public interface Batches {
        BatchMaker.Batch make(boolean withInventory, Spool.Status spool) throws IOException;
    }

    /** Makes a batch of one collector's sections: {@link BatchMaker} on a machine, a fake in tests. */
    @FunctionalInterface
    public interface SectionBatches {
        BatchMaker.Batch make(Collector collector, Spool.Status spool) throws IOException;
    }

    private final Batches maker;
    private final Spool spool;
    private final Uploader uploader;
    private final SectionBatches sectionMaker;
    private final List<Collector> collectors;

    public AgentRunner(BatchMaker maker, Spool spool, Uploader uploader) {
        this(maker, spool, uploader, List.of());
    }

    /**
     * @param collectors run each cycle after the inventory batch, each into a batch of its own spooled under its
     *     policy (the host inventory is not among them: {@link BatchMaker} reads it into the cycle's own batch)
     */
    public AgentRunner(BatchMaker maker, Spool spool, Uploader uploader, List<Collector> collectors) {
        this(
                (withInventory, status) -> maker.make(withInventory, List.of(), status),
                maker::make,
                spool,
                uploader,
                collectors);
    }

    public AgentRunner(Batches maker, Spool spool, Uploader uploader) {
        this(
                maker,
                (collector, status) -> {
                    throw new IllegalStateException("no section batches without collectors");
                },
                spool,
                uploader,
                List.of());
    }

    public AgentRunner(
            Batches maker, SectionBatches sectionMaker, Spool spool, Uploader uploader, List<Collector> collectors) {
        this.maker = maker;
        this.sectionMaker = sectionMaker;
        this.spool = spool;
        this.uploader = uploader;
        this.collectors = List.copyOf(collectors);
    }

    /** What a cycle did, for the log line and {@code vigil agent status}. */
    public record Cycle(String batchId, boolean inventory, int packages, Uploader.Round round) {
        public String describe() {
            return "batch " + batchId + (inventory ? " with " + packages + " packages" : " (heartbeat)") + ": "
                    + AgentRunner.describe(round);
        }
    }

    /** A batch made and spooled, not yet sent. */
    public record Made(String batchId, boolean inventory, int packages) {}

    /** Spools a batch (with the host inventory when {@code withInventory}) and flushes the spool. */
    public Cycle cycle(boolean withInventory) throws IOException {
        Made made = make(withInventory);
        return new Cycle(made.batchId(), made.inventory(), made.packages(), flush());
    }

    /**
     * Makes a batch carrying the spool's status as it is now, and spools it; then a batch of each collector that has
     * something new, spooled under the collector's policy.
     */
    public Made make(boolean withInventory) throws IOException {
        BatchMaker.Batch batch = maker.make(withInventory, spool.status());
        spool.add(batch.batchId(), batch.gzipped());
        for (Collector collector : collectors) {
            collect(collector);
        }
        return new Made(batch.batchId(), batch.hostInventory(), batch.packages());
    }

    /** Spools one batch of a collector's sections under its policy; nothing when it has nothing new. */
    public boolean collect(Collector collector) throws IOException {
        BatchMaker.Batch batch = sectionMaker.make(collector, spool.status());
        if (batch.gzipped().length > 0) {
            spool.add(
                    batch.batchId(),
                    batch.gzipped(),
                    collector.policy(),
                    collector.section().wire());
            return true;
        }
        return false;
    }

    /** Whether there are collectors to ask between batches. */
    public boolean collects() {
        return !collectors.isEmpty();
    }

    /** Asks every collector for what is new (between batches); how many batches were spooled. */
    public int collectAll() throws IOException {
        int spooled = 0;
        for (Collector collector : collectors) {
            if (collect(collector)) {
                spooled++;
            }
        }
        return spooled;
    }

    /** Sends what is spooled, in order, and remembers how it went for {@code vigil agent status}. */
    public Uploader.Round flush() throws IOException {
        Uploader.Round round = uploader.flush(spool);
        if (round.problem() == null) {
            spool.recordDelivered();
        } else {
            spool.recordError(round.problem());
        }
        return round;
    }

    public Spool spool() {
        return spool;
    }

    static String describe(Uploader.Round round) {
        return "sent " + round.sent() + (round.duplicates() > 0 ? ", " + round.duplicates() + " already there" : "")
                + (round.rejected() > 0
                        ? ", " + round.rejected() + " refused (kept in agent/rejected"
                                + (round.refusal() == null ? ")" : "; the server said: " + round.refusal() + ")")
                        : "")
                + ", " + round.remaining() + " spooled" + (round.problem() == null ? "" : "; " + round.problem());
    }
}
