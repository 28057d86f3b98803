package vigil.agent.run;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The agent's schedule: an inventory every {@code interval}, a heartbeat every {@code heartbeat} in between, and a
 * spool sent as soon as there is something in it and the server answers. While the server does not, tries back off
 * exponentially with jitter (from {@code firstRetry} doubling up to {@code maxRetry}), or wait for the server's
 * Retry-After; the loop sleeps until the earliest of the next inventory, heartbeat or due retry, so spooled work is
 * retried when its back-off ends, not at the next batch. Time comes from a {@link Clock} and a {@link Sleeper}, so
 * tests drive it without sleeping.
 */
public final class AgentLoop {
    /** The shortest interval (and heartbeat) the agent takes: shorter only loads the host and the server. */
    public static final Duration MINIMUM_INTERVAL = Duration.ofSeconds(10);

    /**
     * When the loop does what; {@code collectEvery} is how often the collectors that run between batches (the
     * sensor's signals) are asked for what is new, so a signal leaves the host within seconds, not at the next
     * heartbeat.
     */
    public record Settings(
            Duration interval, Duration heartbeat, Duration firstRetry, Duration maxRetry, Duration collectEvery) {
        public Settings(Duration interval, Duration heartbeat, Duration firstRetry, Duration maxRetry) {
            this(interval, heartbeat, firstRetry, maxRetry, Duration.ofSeconds(5));
        }

        public Settings {
            if (collectEvery.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "collectors are asked at most once a second, not every " + collectEvery);
            }
            if (interval.compareTo(MINIMUM_INTERVAL) < 0 || heartbeat.compareTo(MINIMUM_INTERVAL) < 0) {
                throw new IllegalArgumentException("the interval and the heartbeat must be at least "
                        + MINIMUM_INTERVAL.toSeconds() + " s, not " + interval + " and " + heartbeat);
            }
            if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
                throw new IllegalArgumentException("retries need 0 < firstRetry <= maxRetry");
            }
        }

        /** Inventory every {@code interval}, heartbeat every minute, retries from 1 s doubling to 5 minutes. */
        public static Settings every(Duration interval) {
            return new Settings(interval, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMinutes(5));
        }
    }

    /** Waits until an instant of the loop's clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepUntil(Instant wake) throws InterruptedException;

        /** Really sleeps, by the given clock. */
        static Sleeper of(Clock clock) {
            return wake -> {
                Duration wait = Duration.between(clock.instant(), wake);
                if (wait.isPositive()) {
                    Thread.sleep(wait);
                }
            };
        }
    }

    private final AgentRunner runner;
    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Consumer<String> log;

    private Instant nextInventory = Instant.MIN;
    private Instant nextHeartbeat = Instant.MIN;
    private Instant nextSend = Instant.MIN;
    private Instant nextCollect = Instant.MIN;
    private int failures;

    public AgentLoop(
            AgentRunner runner,
            Settings settings,
            Clock clock,
            Sleeper sleeper,
            RandomGenerator random,
            Consumer<String> log) {
        this.runner = runner;
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.log = log;
    }

    /**
     * Runs until interrupted. A step that fails (the disk is full, the host's package database cannot be read) is
     * logged and the loop goes on: the next inventory may succeed, and the spool still has to be delivered.
     */
    public void run() throws InterruptedException {
        while (!Thread.currentThread().isInterrupted()) {
            Instant wake;
            try {
                wake = step();
            } catch (IOException | RuntimeException e) {
                wake = clock.instant().plus(MINIMUM_INTERVAL);
                log.accept(clock.instant() + " error: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "; trying again in " + MINIMUM_INTERVAL.toSeconds() + " s");
            }
            sleeper.sleepUntil(wake);
        }
        throw new InterruptedException();
    }

    /** Does what is due now (a batch, a delivery round) and returns when the loop should wake next. */
    public Instant step() throws IOException {
        Instant now = clock.instant();
        AgentRunner.Made made = null;
        // the next times are set before the batch is made, so a failing scan is tried again on schedule, not at once
        if (!now.isBefore(nextInventory)) {
            nextInventory = now.plus(settings.interval());
            nextHeartbeat = now.plus(settings.heartbeat());
            made = runner.make(true);
        } else if (!now.isBefore(nextHeartbeat)) {
            nextHeartbeat = now.plus(settings.heartbeat());
            made = runner.make(false);
        }
        boolean collected = false;
        if (made == null && runner.collects() && !now.isBefore(nextCollect)) {
            // a batch made above ran the collectors already
            collected = runner.collectAll() > 0;
        }
        if (runner.collects() && (made != null || !now.isBefore(nextCollect))) {
            nextCollect = now.plus(settings.collectEvery());
        }
        String prefix = made == null
                ? collected ? "signals" : "retry"
                : "batch " + made.batchId()
                        + (made.inventory() ? " with " + made.packages() + " packages" : " (heartbeat)");
        boolean pending = !runner.spool().entries().isEmpty();
        if (pending && !now.isBefore(nextSend)) {
            Uploader.Round round = runner.flush();
            if (round.problem() == null) {
                failures = 0;
                nextSend = now;
                log.accept(now + " " + prefix + ": " + AgentRunner.describe(round));
            } else {
                // a round that delivered something found the server up: the next wait starts short again
                failures = round.sent() + round.duplicates() + round.rejected() > 0 ? 1 : failures + 1;
                Duration wait = round.retryAfter() != null ? atLeastOneSecond(round.retryAfter()) : backoff(failures);
                nextSend = now.plus(wait);
                log.accept(now + " " + prefix + ": " + AgentRunner.describe(round) + "; next try in " + seconds(wait));
            }
        } else if (made != null) {
            log.accept(now + " " + prefix + ": spooled, next try in " + seconds(Duration.between(now, nextSend)));
        }
        Instant wake = nextInventory.isBefore(nextHeartbeat) ? nextInventory : nextHeartbeat;
        if (runner.collects() && nextCollect.isBefore(wake)) {
            wake = nextCollect;
        }
        if (!runner.spool().entries().isEmpty() && nextSend.isBefore(wake)) {
            wake = nextSend.isBefore(now) ? now : nextSend;
        }
        return wake;
    }

    /** The wait after {@code failures} failed rounds in a row: firstRetry doubling to maxRetry, half to all of it. */
    Duration backoff(int failures) {
        Duration ceiling = settings.firstRetry();
        for (int i = 1; i < failures && ceiling.compareTo(settings.maxRetry()) < 0; i++) {
            ceiling = ceiling.multipliedBy(2);
        }
        if (ceiling.compareTo(settings.maxRetry()) > 0) {
            ceiling = settings.maxRetry();
        }
        // jitter: agents that lost the same server at the same moment do not come back in step
        long half = ceiling.toMillis() / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling.toMillis() - half)));
    }

    private static Duration atLeastOneSecond(Duration wait) {
        return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
    }

    private static String seconds(Duration wait) {
        return String.format(java.util.Locale.ROOT, "%.1f s", wait.toMillis() / 1000.0);
    }
}
