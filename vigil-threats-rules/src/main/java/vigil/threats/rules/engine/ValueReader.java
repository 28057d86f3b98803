package vigil.threats.rules.engine;

import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldType;

/** A compiled value (for a set action): its type, and its values for an event as an array of that type. */
public interface ValueReader {
    FieldType type();

    /** {@code String[]}, {@code long[]}, {@code boolean[]} or {@code IpNet[]}. */
    Object read(Event event, Scope scope);
}
