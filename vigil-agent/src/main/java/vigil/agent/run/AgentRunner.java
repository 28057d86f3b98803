package vigil.agent.run;

import java.io.IOException;
import java.util.List;

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

    private final Batches maker;
    private final Spool spool;
    private final Uploader uploader;

    public AgentRunner(BatchMaker maker, Spool spool, Uploader uploader) {
        this((withInventory, status) -> maker.make(withInventory, List.of(), status), spool, uploader);
    }

    public AgentRunner(Batches maker, Spool spool, Uploader uploader) {
        this.maker = maker;
        this.spool = spool;
        this.uploader = uploader;
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

    /** Makes a batch carrying the spool's status as it is now, and spools it. */
    public Made make(boolean withInventory) throws IOException {
        BatchMaker.Batch batch = maker.make(withInventory, spool.status());
        spool.add(batch.batchId(), batch.gzipped());
        return new Made(batch.batchId(), batch.hostInventory(), batch.packages());
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
                + (round.rejected() > 0 ? ", " + round.rejected() + " refused (kept in agent/rejected)" : "")
                + ", " + round.remaining() + " spooled" + (round.problem() == null ? "" : "; " + round.problem());
    }
}
