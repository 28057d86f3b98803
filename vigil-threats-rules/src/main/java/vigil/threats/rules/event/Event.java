package vigil.threats.rules.event;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One event: its type and, by field slot, its values. A value is an array of the field's type ({@code String[]},
 * {@code long[]}, {@code boolean[]}, {@link IpNet}{@code []}), one element for a field of one value; an absent field
 * is {@code null} and reads as its type's zero value ({@code ""}, 0, false) or, for a field of several values, as
 * none.
 */
public record Event(String type, @Nullable Object[] values) {
    public Event {
        values = values.clone();
    }

    public @Nullable Object value(Field field) {
        return valueAt(field.slot());
    }

    /** The value in {@code slot}, without a copy (evaluators read it for every event). */
    public @Nullable Object valueAt(int slot) {
        return slot < values.length ? values[slot] : null;
    }

    @Override
    public @Nullable Object[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Event event && event.type.equals(type) && Arrays.deepEquals(event.values, values);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return "Event[" + type + "]";
    }
}
