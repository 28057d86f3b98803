package vigil.spi.intake;

import vigil.model.batch.Source;

/**
 * Carries checked batches from the intake route to the workers that store them, for deployments where intake and
 * storage scale apart (Apache Kafka, module {@code vigil-kafka}). Without a queue the intake stores each batch while
 * its request waits. Delivery to the workers may repeat (at least once); the server's {@link BatchSink} is idempotent
 * per batch id, so every batch is stored exactly once.
 */
public interface IntakeQueue extends AutoCloseable {
    /**
     * Hands a checked batch on and returns once the queue holds it durably, so the sender may forget it. {@code body}
     * is the request body as received, {@code gzip} its encoding; {@code keyId} the API key that sent it, which the
     * workers give back to the {@link BatchSink} (it checks the key's bindings again). Batches of one {@code source}
     * are delivered in the order they were submitted.
     *
     * @throws IntakeException 503 when the queue cannot take it now (the sender keeps it and retries)
     */
    void submit(String orgId, String keyId, String batchId, Source source, byte[] body, boolean gzip)
            throws IntakeException;

    /** Starts this instance's workers, which give every batch they receive to {@code sink}. */
    void startWorkers(BatchSink sink);

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
