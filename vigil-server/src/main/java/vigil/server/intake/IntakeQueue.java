package vigil.server.intake;

/**
 * Carries checked batches from the intake route to the workers that store them, for deployments where intake and
 * storage scale apart (Apache Kafka, module {@code vigil-kafka}). Without a queue the intake stores each batch while
 * its request waits. Delivery to the workers may repeat (at least once); {@link Intake#store} is idempotent per batch
 * id, so every batch is stored exactly once.
 */
public interface IntakeQueue extends AutoCloseable {
    /**
     * Hands a checked batch on and returns once the queue holds it durably ({@link Intake.Result#queued}), so the
     * agent may forget it. {@code body} is the request body as received, {@code gzip} its encoding; {@code keyId} the
     * API key that sent it, which the workers give to {@link Intake#store} (it checks the key's bindings again).
     *
     * @throws IntakeException 503 when the queue cannot take it now (the agent keeps it and retries), 413 when the
     *     queue refuses its size
     */
    Intake.Result submit(String orgId, String keyId, Intake.ParsedBatch batch, byte[] body, boolean gzip)
            throws IntakeException;

    /** Starts this instance's workers, which give every batch they receive to {@code store}. */
    void startWorkers(Store store);

    /**
     * What the workers call for each batch; {@link Intake#store} in the server. {@code keyId} is null only for records
     * queued by a server older than the bindings (ADR 0015). Throws {@link Intake.BindingRefused} when another key
     * holds the batch's agent or images now: retrying does not help.
     */
    @FunctionalInterface
    interface Store {
        Intake.Result store(String orgId, @org.jspecify.annotations.Nullable String keyId, Intake.ParsedBatch batch);
    }

    /** The batches acknowledged but not stored yet, per partition; read at most every few seconds. */
    default QueueBacklog backlog() {
        return new QueueBacklog(0, java.util.List.of(), 0, null);
    }

    /** One line for the start-up log, without credentials. */
    String describe();

    /** Stops the workers after the batch in hand and releases the queue's connections. */
    @Override
    void close();
}
