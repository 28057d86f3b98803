package vigil.server.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.server.store.Database;
import vigil.server.store.StoreUnavailableException;
import vigil.spi.intake.IntakeQueue;
import vigil.spi.intake.QueueBacklog;

/**
 * Whether the server can store what it acknowledges, and if not why: the store probed at most once a second on its
 * own connection ({@code SELECT 1}, plus one row written while a write failure such as a full disk is outstanding,
 * so the state clears by itself once space is freed), the last write failure the routes or workers met, and the
 * intake queue's backlog. Cheap enough for a load balancer to poll.
 */
public final class Health {
    /** Probes are no more frequent than this, however often /healthz is asked. */
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);

    /** After a full disk, the store counts as full until at least this much is free again. */
    static final long MIN_FREE_BYTES = 4L << 20;

    /** A queue partition with batches waiting and no progress for this long means no worker stores them. */
    public static final Duration STALL_LIMIT = Duration.ofSeconds(30);

    /** The verdict: ok, or degraded with the reasons in words an operator acts on. */
    public record Report(
            boolean ok, List<String> reasons, @Nullable QueueBacklog queue) {
        public Report {
            reasons = List.copyOf(reasons);
        }

        /** The body of /healthz. */
        public Map<String, Object> json() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", ok ? "ok" : "degraded");
            if (!ok) {
                body.put("reasons", reasons);
            }
            if (queue != null) {
                Map<String, Object> backlog = new LinkedHashMap<>();
                backlog.put("waiting", queue.waiting());
                backlog.put("stalledSeconds", queue.stalledSeconds());
                List<Map<String, Object>> partitions = new ArrayList<>();
                for (QueueBacklog.Partition partition : queue.partitions()) {
                    partitions.add(Map.of(
                            "partition", partition.partition(),
                            "waiting", partition.waiting(),
                            "stalledSeconds", partition.stalledSeconds()));
                }
                backlog.put("partitions", partitions);
                body.put("queue", backlog);
            }
            return body;
        }
    }

    private final Database database;
    private final @Nullable IntakeQueue queue;
    private @Nullable StoreUnavailableException lastWriteFailure;
    private @Nullable Report cached;
    private long cachedAt;

    /** The background tasks whose last round failed, each in words (none until the server's tasks start). */
    private java.util.function.Supplier<List<String>> backgroundFailing = List::of;

    public Health(Database database, @Nullable IntakeQueue queue) {
        this.database = database;
        this.queue = queue;
    }

    /** Reports the background tasks whose last round failed as reasons the server is degraded. */
    public synchronized void watchBackground(java.util.function.Supplier<List<String>> failing) {
        this.backgroundFailing = failing;
        cached = null;
    }

    /** A route or a worker met an unavailable store: degraded until a probe shows it takes writes again. */
    public synchronized void failed(StoreUnavailableException failure) {
        lastWriteFailure = failure;
        cached = null;
    }

    public synchronized Report report() {
        long now = System.nanoTime();
        Report last = cached;
        if (last != null && now - cachedAt < PROBE_EVERY.toNanos()) {
            return last;
        }
        List<String> reasons = new ArrayList<>();
        StoreUnavailableException pending = lastWriteFailure;
        try {
            database.probe(pending != null);
            if (pending != null
                    && pending.reason() == StoreUnavailableException.Reason.STORAGE_FULL
                    && database.usableSpace() < MIN_FREE_BYTES) {
                reasons.add(pending.reason().label() + ": " + pending.advice());
            } else {
                lastWriteFailure = null;
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            StoreUnavailableException classified =
                    StoreUnavailableException.classify(e).orElse(null);
            // a probe that waited behind a writer says nothing new: the failure met before still stands
            StoreUnavailableException shown = pending != null
                            && (classified == null
                                    || classified.reason() == StoreUnavailableException.Reason.DATABASE_BUSY)
                    ? pending
                    : classified;
            reasons.add(
                    shown == null
                            ? "store failing: the store's health probe failed (" + e.getMessage()
                                    + "); the server log has the details"
                            : shown.reason().label() + ": " + shown.advice());
        }
        QueueBacklog backlog = null;
        if (queue != null) {
            backlog = queue.backlog();
            if (backlog.problem() != null) {
                reasons.add("intake queue unavailable: " + backlog.problem());
            } else if (backlog.stalledSeconds() >= STALL_LIMIT.toSeconds()) {
                reasons.add("intake queue stalled: " + backlog.waiting() + " acknowledged batches wait and a partition"
                        + " has made no progress for " + backlog.stalledSeconds() + " s; check that a worker runs (a"
                        + " server with the same --queue) and that the store takes writes");
            }
        }
        for (String failing : backgroundFailing.get()) {
            reasons.add("background work failing: " + failing);
        }
        Report report = new Report(reasons.isEmpty(), reasons, backlog);
        cached = report;
        cachedAt = System.nanoTime();
        return report;
    }
}
