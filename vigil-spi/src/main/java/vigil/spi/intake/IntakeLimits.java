package vigil.spi.intake;

/** Limits the intake and the queues that carry its batches agree on (ADR 0015). */
public final class IntakeLimits {
    private IntakeLimits() {}

    /** Bytes of one batch once decompressed, and so of a request body and a queued record's value. */
    public static final long MAX_BATCH_BYTES = 32L << 20;
}
