package vigil.threats.sensor.signal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Folds repeats and limits bursts, so a process that trips a rule in a loop makes one signal, not thousands, and
 * nothing is lost without a count. A match of a rule by a process (its pid and executable) that has no signal waiting
 * makes one, sent at once; the same rule by the same process within {@code window} after a signal was sent is folded
 * into one follow-up signal, sent when the window ends (with its count and last time). Each rule makes at most
 * {@code perRule} new signals per window; further matches are counted in {@link #suppressed()}, as are matches when
 * {@link #MAX_WAITING} signals are waiting. Thread-safe: the sensor's thread offers, the sender's takes.
 */
public final class SignalThrottle {
    static final int MAX_WAITING = 10_000;
    static final int MAX_REMEMBERED = 65_536;

    private record Key(String rule, long pid, String path) {}

    private static final class Waiting {
        Signal signal;
        final long releaseNanos;

        Waiting(Signal signal, long releaseNanos) {
            this.signal = signal;
            this.releaseNanos = releaseNanos;
        }
    }

    private final long windowNanos;
    private final int perRule;
    private final Map<Key, Waiting> waiting = new LinkedHashMap<>();
    /** When each key's last signal was sent (nanoseconds); forgotten oldest first past the bound. */
    private final LinkedHashMap<Key, Long> sent = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    /** Per rule: when its current window started and how many signals it made in it. */
    private final Map<String, long[]> budgets = new HashMap<>();

    private long suppressed;

    public SignalThrottle(java.time.Duration window, int perRule) {
        if (window.isNegative() || perRule < 1) {
            throw new IllegalArgumentException("the window must not be negative and a rule may make at least one"
                    + " signal per window, not " + window + " and " + perRule);
        }
        this.windowNanos = window.toNanos();
        this.perRule = perRule;
    }

    /**
     * A match of {@code rule} by process {@code pid} running {@code path} at {@code nowNanos} (a monotonic clock);
     * {@code make} makes its signal when it is not folded into a waiting one (its actions already ran).
     */
    public synchronized void offer(
            String rule, long pid, String path, long nowNanos, Instant at, Supplier<Signal> make) {
        Key key = new Key(rule, pid, path);
        Waiting already = waiting.get(key);
        if (already != null) {
            already.signal = already.signal.folding(1, at);
            return;
        }
        Long sentAt = sent.get(key);
        long last = sentAt == null ? 0 : sentAt;
        boolean followUp = sentAt != null && nowNanos - last < windowNanos;
        if (!followUp && !budget(rule, nowNanos)) {
            suppressed++;
            return;
        }
        if (waiting.size() >= MAX_WAITING) {
            suppressed++;
            return;
        }
        waiting.put(key, new Waiting(make.get(), followUp ? last + windowNanos : nowNanos));
    }

    private boolean budget(String rule, long nowNanos) {
        long[] budget = budgets.computeIfAbsent(rule, r -> new long[] {nowNanos, 0});
        if (nowNanos - budget[0] >= windowNanos) {
            budget[0] = nowNanos;
            budget[1] = 0;
        }
        if (budget[1] >= perRule) {
            return false;
        }
        budget[1]++;
        return true;
    }

    /** The signals due at {@code nowNanos}, in the order they were made; they count as sent from now. */
    public synchronized List<Signal> take(long nowNanos) {
        List<Signal> due = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Waiting> entry = it.next();
            if (entry.getValue().releaseNanos - nowNanos <= 0) {
                due.add(entry.getValue().signal);
                sent.put(entry.getKey(), nowNanos);
                it.remove();
            }
        }
        return due;
    }

    /** Every waiting signal, due or not: what a stopping sensor sends last. */
    public synchronized List<Signal> takeAll() {
        List<Signal> all = new ArrayList<>();
        for (Waiting w : waiting.values()) {
            all.add(w.signal);
        }
        waiting.clear();
        return all;
    }

    /** Matches neither sent nor folded: over a rule's limit, or with too many signals waiting. */
    public synchronized long suppressed() {
        return suppressed;
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}
