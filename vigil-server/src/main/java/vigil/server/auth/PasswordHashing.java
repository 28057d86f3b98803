package vigil.server.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Password hashing on a bounded pool: PBKDF2 costs about a third of a CPU second, so however many requests ask,
 * at most {@code threads} hashes run at once and at most {@code queue} wait; the rest are refused at once with
 * {@link Busy} (a 503 with Retry-After) instead of stalling every other request of the server.
 */
public final class PasswordHashing implements AutoCloseable {
    /** The pool and its queue are full: the caller answers 503 and the client retries later. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("password hashing is at capacity", null, false, false);
        }
    }

    private final ThreadPoolExecutor pool;
    private final AtomicLong hashes = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final String unmatchable = Secrets.unmatchableHash();

    public PasswordHashing(int threads, int queue) {
        this.pool = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue),
                Thread.ofPlatform().name("password-hash-", 0).daemon().factory(),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** One thread per core and four waiting per thread: about a second of waiting at most on two cores. */
    public static PasswordHashing forThisMachine() {
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        return new PasswordHashing(cores, 4 * cores);
    }

    public String hash(char[] password) {
        return run(() -> Secrets.hashPassword(password));
    }

    public boolean verify(char[] password, String stored) {
        return run(() -> Secrets.verifyPassword(password, stored));
    }

    /**
     * The same work as {@link #verify} against a hash no password matches: a sign-in for an unknown email costs
     * what one for a known email costs, so the answer's time tells nothing.
     */
    public void verifyNothing(char[] password) {
        run(() -> Secrets.verifyPassword(password, unmatchable));
    }

    /** Hashes computed so far (real and dummy), for tests and metrics. */
    public long hashes() {
        return hashes.get();
    }

    /** The most hashes that ever ran at the same time. */
    public int mostConcurrent() {
        return mostRunning.get();
    }

    private <T> T run(Callable<T> work) {
        Future<T> future;
        try {
            future = pool.submit(() -> {
                mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    return work.call();
                } finally {
                    running.decrementAndGet();
                    hashes.incrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new Busy();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IllegalStateException("interrupted while hashing a password", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("hashing a password failed", e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
