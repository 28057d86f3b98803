package vigil.server.http;

import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per caller: {@code perSecond} sustained, {@code burst} at once. */
public final class RateLimiter {
    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    public boolean tryAcquire(String caller) {
        long now = System.nanoTime();
        boolean[] allowed = new boolean[1];
        buckets.compute(caller, (key, bucket) -> {
            double[] b = bucket == null ? new double[] {burst, now} : bucket;
            double refill = (now - b[1]) / 1e9 * perSecond;
            b[0] = Math.min(burst, b[0] + refill);
            b[1] = now;
            if (b[0] >= 1) {
                b[0] -= 1;
                allowed[0] = true;
            }
            return b;
        });
        return allowed[0];
    }
}
