package vigil.model.batch;

import java.util.Locale;

/**
 * What sent a batch: an agent on a host, a one-off scan ({@code vigil scan --send-to}), or a collector that reads a
 * cloud account. Batches of one source are kept in order (one Kafka partition, one spool).
 */
public record Source(Kind kind, String id) {
    public enum Kind {
        AGENT,
        SCAN,
        COLLECTOR;

        /** The name in a batch: {@code agent}, {@code scan}, {@code collector}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind a batch names, or null when it names none of them. */
        public static @org.jspecify.annotations.Nullable Kind fromWire(String name) {
            for (Kind kind : values()) {
                if (kind.wire().equals(name)) {
                    return kind;
                }
            }
            return null;
        }
    }

    public static Source agent(String id) {
        return new Source(Kind.AGENT, id);
    }
}
