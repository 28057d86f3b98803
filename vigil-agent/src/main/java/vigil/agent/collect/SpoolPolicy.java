package vigil.agent.collect;

/** What the spool may do with a batch when it is full (ADR 0031). */
public enum SpoolPolicy {
    /**
     * A later batch of the same kind says everything this one says (an inventory, a posture result, a heartbeat):
     * dropped first, oldest first, when the spool is full.
     */
    SUPERSEDE,
    /**
     * Each batch says something no later one repeats (signals): kept in order, and dropped only when the bound is
     * reached with nothing superseding left, counted per section type and reported to the server.
     */
    KEEP
}
