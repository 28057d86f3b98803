package vigil.threats.wing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A host's sensor as a signals section reports it ({@code sensor}, docs/threats-signals.md): its state, source, hooks
 * and the counters since it started.
 *
 * @param state {@code running}, {@code degraded} or {@code off}
 * @param lost records the kernel could not hand over, per kind ({@code exec}, {@code open}, ...)
 */
public record Sensor(
        String state,
        @Nullable String reason,
        String source,
        List<String> hooks,
        @Nullable Instant since,
        long events,
        SortedMap<String, Long> lost,
        long approverDrops,
        long suppressed) {
    public static final List<String> STATES = List.of("running", "degraded", "off");

    public Sensor {
        hooks = List.copyOf(hooks);
        lost = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(lost));
    }

    /** Records lost in all kinds together. */
    public long lostTotal() {
        return lost.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The lost counts as {@code kind: n} for display, kinds with none left out. */
    public Map<String, Long> lostSome() {
        Map<String, Long> some = new TreeMap<>();
        lost.forEach((kind, count) -> {
            if (count > 0) {
                some.put(kind, count);
            }
        });
        return some;
    }
}
