package vigil.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key on the server's clock: {@code burst} at once, then one every {@code every}. Answers how
 * long to wait, for a Retry-After. At most {@code maxKeys} buckets are kept (least recently used dropped first), so
 * an attacker naming endless addresses or accounts cannot grow the heap; a dropped bucket starts full again.
 */
final class TokenBuckets {
    private final Clock clock;
    private final int burst;
    private final long everyMillis;
    private final int maxKeys;
    private final LinkedHashMap<String, double[]> buckets;

    TokenBuckets(Clock clock, int burst, Duration every, int maxKeys) {
        this.clock = clock;
        this.burst = burst;
        this.everyMillis = every.toMillis();
        this.maxKeys = maxKeys;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > TokenBuckets.this.maxKeys;
            }
        };
    }

    /** Takes a token: {@link Duration#ZERO} when there was one, else how long until the next one. */
    synchronized Duration take(String key) {
        long now = clock.millis();
        double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
        double tokens = Math.min(burst, bucket[0] + Math.max(0, now - (long) bucket[1]) / (double) everyMillis);
        bucket[1] = now;
        if (tokens >= 1) {
            bucket[0] = tokens - 1;
            return Duration.ZERO;
        }
        bucket[0] = tokens;
        return Duration.ofMillis((long) Math.ceil((1 - tokens) * everyMillis));
    }

    /** Gives back a token taken for work that turned out legitimate (a right password), so only failures drain. */
    synchronized void refund(String key) {
        double[] bucket = buckets.get(key);
        if (bucket != null) {
            bucket[0] = Math.min(burst, bucket[0] + 1);
        }
    }
}
