package vigil.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's scheduled background work (the advisory database watcher, statistics, notification dispatch). A
 * {@link ScheduledExecutorService} cancels a periodic task for good the first time it throws; here a failure is
 * logged and counted, and the task runs again next round.
 */
final class BackgroundTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);

    private final ScheduledExecutorService executor;
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

    /** Per task, the rounds it has failed in a row (0: its last round succeeded) and what the last failure said. */
    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    private record Streak(long rounds, String lastError) {}

    BackgroundTasks(int threads) {
        // platform threads: their store work may wait in SQLite's native code, which would hold a virtual thread's
        // carrier (one that requests need) for as long (ADR 0017)
        this.executor = Executors.newScheduledThreadPool(
                threads,
                Thread.ofPlatform().daemon().name("vigil-background-", 0).factory());
    }

    /** Runs {@code task} after {@code initial}, then {@code delay} after each run ends, whatever it throws. */
    void every(String name, Duration initial, Duration delay, Runnable task) {
        AtomicLong failed = failures.computeIfAbsent(name, n -> new AtomicLong());
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                        streaks.remove(name);
                    } catch (Throwable e) { // an Error too: nothing may cancel the task
                        streaks.merge(
                                name,
                                new Streak(1, String.valueOf(e.getMessage())),
                                (was, now) -> new Streak(was.rounds() + 1, now.lastError()));
                        LOG.warn(
                                "{} failed ({} failures so far); it runs again next round",
                                name,
                                failed.incrementAndGet(),
                                e);
                    }
                },
                initial.toMillis(),
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Failures per task since the start. */
    Map<String, Long> failures() {
        Map<String, Long> counts = new TreeMap<>();
        failures.forEach((name, n) -> counts.put(name, n.get()));
        return counts;
    }

    /**
     * The tasks whose last round failed, in words for {@code /healthz}: a task failing every round (an advisory
     * database that cannot be read, say) leaves findings stale without anything else showing it.
     */
    List<String> failing() {
        List<String> failing = new ArrayList<>();
        new TreeMap<>(streaks)
                .forEach((name, streak) -> failing.add(name + " failed its last " + streak.rounds()
                        + (streak.rounds() == 1 ? " round" : " rounds") + " (" + streak.lastError()
                        + "); it runs again next round, and the server log has the details"));
        return failing;
    }

    /** Stops the tasks; a run in progress finishes first (at most 30 s). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
