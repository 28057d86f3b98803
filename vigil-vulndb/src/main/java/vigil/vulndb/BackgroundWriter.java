package vigil.vulndb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;
import vigil.vulndb.store.AdvisoryStoreBuilder;

/**
 * Writes advisories into a build on a thread of its own, in the order given, while the caller parses the next
 * ones: parsing and SQLite's inserts each took about half of an import, one after the other (ADR 0026). The queue
 * is bounded, so a fast parser waits for the writer instead of holding a feed in memory. The first failure of the
 * writer is thrown to the caller at its next step and by {@link #finish}; later steps are dropped, since the build
 * is then thrown away.
 */
final class BackgroundWriter implements AutoCloseable {
    private sealed interface Step permits Savepoint, Put, Release, Rollback, Stop {}

    private record Savepoint() implements Step {}

    private record Put(Advisory advisory) implements Step {}

    private record Release() implements Step {}

    private record Rollback() implements Step {}

    private record Stop() implements Step {}

    private static final int QUEUE = 512;

    private final AdvisoryStoreBuilder builder;
    private final BlockingQueue<Step> steps = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile @Nullable Throwable failure;
    /** Set by {@link #close} without {@link #finish}: the build is abandoned, so queued steps are not written. */
    private volatile boolean abandoned;

    private boolean stopped;

    BackgroundWriter(AdvisoryStoreBuilder builder) {
        this.builder = builder;
        this.thread = Thread.ofPlatform().name("advisory-writer").daemon().start(this::run);
    }

    /** {@link AdvisoryStoreBuilder#savepoint()}, in turn. */
    void savepoint() throws IOException {
        send(new Savepoint());
    }

    /** {@link AdvisoryStoreBuilder#put}, in turn. */
    void put(Advisory advisory) throws IOException {
        send(new Put(advisory));
    }

    /** {@link AdvisoryStoreBuilder#releaseSavepoint()}, in turn. */
    void release() throws IOException {
        send(new Release());
    }

    /** {@link AdvisoryStoreBuilder#rollbackToSavepoint()}, in turn. */
    void rollback() throws IOException {
        send(new Rollback());
    }

    /** Waits until every step is written; throws the writer's first failure. */
    void finish() throws IOException {
        stop();
        rethrow();
    }

    @Override
    public void close() {
        if (!stopped) {
            abandoned = true;
            stop();
        }
    }

    private void send(Step step) throws IOException {
        rethrow();
        try {
            steps.put(step);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while importing advisories");
        }
    }

    private void run() {
        while (true) {
            Step step;
            try {
                step = steps.take();
            } catch (InterruptedException e) {
                return; // only stop() interrupts, after the caller is done with the build
            }
            if (step instanceof Stop) {
                return;
            }
            if (failure != null || abandoned) {
                continue; // keep taking, so that a caller never waits on a full queue
            }
            try {
                switch (step) {
                    case Savepoint ignored -> builder.savepoint();
                    case Put put -> builder.put(put.advisory());
                    case Release ignored -> builder.releaseSavepoint();
                    case Rollback ignored -> builder.rollbackToSavepoint();
                    case Stop ignored -> {}
                }
            } catch (Throwable e) { // an Error too: the caller must hear of it rather than wait
                failure = e;
            }
        }
    }

    private void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        boolean interrupted = false;
        while (true) {
            try {
                steps.put(new Stop());
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() throws IOException {
        Throwable e = failure;
        if (e == null) {
            return;
        }
        switch (e) {
            case IOException io -> throw io;
            case RuntimeException runtime -> throw runtime;
            case Error error -> throw error;
            default -> throw new IOException(e);
        }
    }
}
