package vigil.spi.intake;

import org.jspecify.annotations.Nullable;
import vigil.spi.store.StoreError;

/**
 * Where a queue's workers hand each batch they receive: the server, which reads, checks and stores it in one
 * transaction, exactly once per batch id. The worker needs nothing of the server but this.
 */
@FunctionalInterface
public interface BatchSink {
    /**
     * Reads and stores one queued batch. Never throws for a batch or a store problem: the answer says what became of
     * it, so that the worker decides between going on, retrying and setting the record aside.
     *
     * @param keyId the API key that sent it; null only for records queued by a server older than the bindings
     * @param body the request body as the intake received it
     */
    Delivery store(String orgId, @Nullable String keyId, byte[] body, boolean gzip);

    /** What became of one queued batch. */
    sealed interface Delivery {}

    /** Stored now, or a replay of a batch stored before ({@code duplicate}): either way, done. */
    record Stored(String batchId, boolean duplicate) implements Delivery {}

    /** The record is not a batch the intake would take (malformed, beyond a limit): retrying cannot help. */
    record NotABatch(String reason) implements Delivery {}

    /**
     * Storing failed. {@code error} is the store's code when the store raised it (retry when it is
     * {@link StoreError#unavailable}, give up after a few tries when it {@link StoreError#refusesTheData}); null when
     * the failure did not come from the store (a key's binding refused, a bug meeting this batch).
     */
    record Failed(@Nullable StoreError error, Throwable cause) implements Delivery {}
}
