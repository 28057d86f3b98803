package vigil.threats.sensor.signal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How the host's sensor is ({@code docs/threats-signals.md}, the section's {@code sensor} object): running, degraded
 * (running, and events were lost) or off, with why; the hooks attached and the counts since it started.
 */
public record SensorStatus(
        State state,
        @Nullable String reason,
        String source,
        List<String> hooks,
        Instant since,
        long events,
        Map<String, Long> lost,
        long approverDrops,
        long suppressed) {
    public enum State {
        RUNNING,
        DEGRADED,
        OFF;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public SensorStatus {
        hooks = List.copyOf(hooks);
        lost = java.util.Collections.unmodifiableMap(new TreeMap<>(lost));
        if (state != State.RUNNING && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a sensor that is " + state.wire() + " says why");
        }
    }

    /** A sensor that did not start, and why. */
    public static SensorStatus off(String reason, Instant since) {
        return new SensorStatus(State.OFF, reason, "ebpf", List.of(), since, 0, Map.of(), 0, 0);
    }

    public long lostTotal() {
        return lost.values().stream().mapToLong(Long::longValue).sum();
    }
}
