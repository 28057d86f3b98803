package vigil.model.finding;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Where a finding is in its life: open, resolved by a later complete scan, or muted by a person. */
public sealed interface FindingStatus {
    String wireName();

    record Open() implements FindingStatus {
        @Override
        public String wireName() {
            return "open";
        }
    }

    /** A later complete scan of the same scope no longer reported it. */
    record Resolved(Instant at) implements FindingStatus {
        public Resolved {
            requireNonNull(at, "at is null");
        }

        @Override
        public String wireName() {
            return "resolved";
        }
    }

    /** Muted with a reason; it returns to open at {@code expires} when set. */
    record Muted(String reason, @Nullable Instant expires) implements FindingStatus {
        public Muted {
            requireNonNull(reason, "reason is null");
        }

        @Override
        public String wireName() {
            return "muted";
        }
    }
}
