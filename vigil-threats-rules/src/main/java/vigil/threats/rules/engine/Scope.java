package vigil.threats.rules.engine;

import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;

/** What an evaluation reads beside the event: the variables rules set, and the clock durations are measured on. */
public interface Scope {
    /** The value of {@code ${name}} for this event (an array of the variable's type), or null when it is not set. */
    @Nullable
    Object variable(String name, Event event);

    /** Now, in nanoseconds since the epoch: a time field compared with a duration is measured back from it. */
    long now(Event event);

    /** No variables; now is the time of the call. */
    Scope EMPTY = new Scope() {
        @Override
        public @Nullable Object variable(String name, Event event) {
            return null;
        }

        @Override
        public long now(Event event) {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    };
}
