package vigil.threats.rules.event;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event: its type and, by field slot, its values. A value is an array of the field's type ({@code String[]},
 * {@code long[]}, {@code boolean[]}, {@link IpNet}{@code []}), one element for a field of one value; an absent field
 * is {@code null} and reads as its type's zero value ({@code ""}, 0, false) or, for a field of several values, as
 * none.
 *
 * <p>An event holds only the fields it has (a few dozen of the catalog's thousands), found by slot through a small
 * open-addressing table: a recorded stream of events stays in the processor's caches, where a dense array per event
 * (ten kilobytes) made every field read a trip to memory.
 */
public final class Event {
    private final String type;
    /** The slots present, in increasing order, and their values. */
    private final int[] slots;

    private final Object[] values;
    /** By a slot's hash: one plus the index of the slot in {@link #slots}, 0 for an empty place. */
    private final short[] table;

    /** An event from values by slot (a dense array; nulls are absent fields). */
    public Event(String type, @Nullable Object[] values) {
        this.type = Objects.requireNonNull(type);
        int count = 0;
        for (Object value : values) {
            if (value != null) {
                count++;
            }
        }
        checkSize(count);
        this.slots = new int[count];
        this.values = new Object[count];
        int at = 0;
        for (int slot = 0; slot < values.length; slot++) {
            Object value = values[slot];
            if (value != null) {
                slots[at] = slot;
                this.values[at++] = value;
            }
        }
        this.table = table(slots);
    }

    /** An event from its first {@code count} slots (distinct, in any order) and their values (none null). */
    Event(String type, int[] slots, Object[] values, int count) {
        this.type = Objects.requireNonNull(type);
        checkSize(count);
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(slots[a], slots[b]));
        this.slots = new int[count];
        this.values = new Object[count];
        for (int i = 0; i < count; i++) {
            this.slots[i] = slots[order[i]];
            this.values[i] = Objects.requireNonNull(values[order[i]]);
        }
        this.table = table(this.slots);
    }

    private static void checkSize(int count) {
        if (count > Short.MAX_VALUE - 1) {
            throw new IllegalArgumentException("an event of " + count + " fields");
        }
    }

    /** By a slot's hash, one plus its index in {@code slots}. */
    private static short[] table(int[] slots) {
        int count = slots.length;
        short[] table = new short[Math.max(4, Integer.highestOneBit(Math.max(1, count) * 2 - 1) << 1)];
        int mask = table.length - 1;
        for (int i = 0; i < count; i++) {
            int place = hash(slots[i]) & mask;
            while (table[place] != 0) {
                place = (place + 1) & mask;
            }
            table[place] = (short) (i + 1);
        }
        return table;
    }

    private static int hash(int slot) {
        return slot * 0x9E3779B1 >>> 16;
    }

    public String type() {
        return type;
    }

    public @Nullable Object value(Field field) {
        return valueAt(field.slot());
    }

    /** The value in {@code slot}, without a copy (evaluators read it for every event). */
    public @Nullable Object valueAt(int slot) {
        int mask = table.length - 1;
        for (int place = hash(slot) & mask; ; place = (place + 1) & mask) {
            int entry = table[place];
            if (entry == 0) {
                return null;
            }
            if (slots[entry - 1] == slot) {
                return values[entry - 1];
            }
        }
    }

    /** How many fields the event has. */
    public int fieldCount() {
        return slots.length;
    }

    /**
     * The slot of the {@code i}th field present, in increasing slot order: a reader of many fields walks them beside
     * its own sorted slots instead of looking each up ({@link vigil.threats.rules.engine.RuleIndex}).
     */
    public int slotAt(int i) {
        return slots[i];
    }

    /** The value of the {@code i}th field present (never null). */
    public Object valueOfField(int i) {
        return values[i];
    }

    /** The values by slot, a dense array up to the last field present. */
    public @Nullable Object[] values() {
        Object[] dense = new Object[slots.length == 0 ? 0 : slots[slots.length - 1] + 1];
        for (int i = 0; i < slots.length; i++) {
            dense[slots[i]] = values[i];
        }
        return dense;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Event event
                && event.type.equals(type)
                && Arrays.equals(event.slots, slots)
                && Arrays.deepEquals(event.values, values);
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
