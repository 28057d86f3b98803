package vigil.agent.run;

import java.io.IOException;
import java.util.List;

/**
 * One agent cycle: make a batch (a heartbeat, or with the host's inventory), spool it, then try to send everything
 * spooled, in order.
 */
public final class AgentRunner {
    private final BatchMaker maker;
    private final Spool spool;
    private final Uploader uploader;

    public AgentRunner(BatchMaker maker, Spool spool, Uploader uploader) {
        this.maker = maker;
        this.spool = spool;
        this.uploader = uploader;
    }

    /** What a cycle did, for the log line and {@code vigil agent status}. */
    public record Cycle(String batchId, boolean inventory, int packages, Uploader.Round round) {}

    /** Spools a batch (with the host inventory when {@code withInventory}) and flushes the spool. */
    public Cycle cycle(boolean withInventory) throws IOException {
        BatchMaker.Batch batch = maker.make(withInventory, List.of());
        spool.add(batch.batchId(), batch.gzipped());
        return new Cycle(batch.batchId(), batch.hostInventory(), batch.packages(), uploader.flush(spool));
    }
}
