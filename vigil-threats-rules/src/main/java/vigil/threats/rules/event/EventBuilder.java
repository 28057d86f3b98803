package vigil.threats.rules.event;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link Event} from field names and plain values (strings, integers, booleans, lists of them), checking
 * each against the catalog: the field exists, belongs to the event's type, and the value has the field's type.
 */
public final class EventBuilder {
    private final FieldCatalog catalog;

    public EventBuilder(FieldCatalog catalog) {
        this.catalog = catalog;
    }

    /** An event that is not what the format says: the message names the field and the problem. */
    public static final class EventFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public EventFormatException(String message) {
            super(message);
        }
    }

    public Event build(String type, Map<String, ?> fields) throws EventFormatException {
        if (!catalog.eventTypes().contains(type)) {
            throw new EventFormatException("unknown event type " + abbreviate(type) + "; the types are "
                    + String.join(", ", catalog.eventTypes()));
        }
        // the event's own slots and values, not the catalog's width (thousands of slots): a sensor builds an event
        // per system call it reports
        int[] slots = new int[fields.size() * 2];
        Object[] values = new Object[fields.size() * 2];
        int count = 0;
        for (Map.Entry<String, ?> entry : fields.entrySet()) {
            Field field = catalog.find(entry.getKey())
                    .orElseThrow(() -> new EventFormatException("unknown field " + abbreviate(entry.getKey())));
            if (!field.belongsTo(type)) {
                throw new EventFormatException(
                        field.name() + " is a field of " + field.eventType() + " events, not of " + type);
            }
            Object raw = entry.getValue();
            if (field.grouped() && raw instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof List) {
                // a list per ancestor: the lists one after the other, and their sizes
                List<@Nullable Object> flat = new ArrayList<>();
                long[] sizes = new long[list.size()];
                for (int i = 0; i < sizes.length; i++) {
                    if (!(list.get(i) instanceof List<?> group)) {
                        throw new EventFormatException(field.name()
                                + " takes a list of values, or a list per element (ancestor) of lists: not both");
                    }
                    flat.addAll(group);
                    sizes[i] = group.size();
                }
                count = put(slots, values, count, field.groupSlot(), sizes);
                raw = flat;
            }
            count = put(slots, values, count, field.slot(), value(field, raw));
        }
        return new Event(type, slots, values, count);
    }

    /** Sets a slot's value among the first {@code count} (a later value of a slot replaces the earlier). */
    private static int put(int[] slots, Object[] values, int count, int slot, Object value) {
        for (int i = 0; i < count; i++) {
            if (slots[i] == slot) {
                values[i] = value;
                return count;
            }
        }
        slots[count] = slot;
        values[count] = value;
        return count + 1;
    }

    private static Object value(Field field, @Nullable Object raw) throws EventFormatException {
        List<@Nullable Object> items = new ArrayList<>();
        if (raw instanceof List<?> list) {
            if (!field.multiple()) {
                throw new EventFormatException(field.name() + " holds one value, not a list");
            }
            items.addAll(list);
        } else {
            items.add(raw);
        }
        return switch (field.type()) {
            case STRING -> {
                String[] out = new String[items.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = items.get(i) instanceof String s ? s : fail(field, items.get(i), "a string");
                }
                yield out;
            }
            case INT -> {
                long[] out = new long[items.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = integer(field, items.get(i));
                }
                yield out;
            }
            case BOOL -> {
                boolean[] out = new boolean[items.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = items.get(i) instanceof Boolean b ? b : fail(field, items.get(i), "true or false");
                }
                yield out;
            }
            case IP -> {
                IpNet[] out = new IpNet[items.size()];
                for (int i = 0; i < out.length; i++) {
                    String text = items.get(i) instanceof String s ? s : fail(field, items.get(i), "an IP address");
                    try {
                        out[i] = IpNet.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw new EventFormatException(field.name() + ": " + e.getMessage());
                    }
                }
                yield out;
            }
        };
    }

    private static long integer(Field field, @Nullable Object item) throws EventFormatException {
        return switch (item) {
            case Integer i -> i;
            case Long l -> l;
            case Short s -> s;
            case BigInteger b when b.bitLength() <= 64 -> b.longValue(); // up to 2^64-1, as SECL's unsigned fields
            case null, default -> fail(field, item, "an integer");
        };
    }

    private static <T> T fail(Field field, @Nullable Object item, String what) throws EventFormatException {
        throw new EventFormatException(field.name() + " takes " + what + ", not " + abbreviate(String.valueOf(item)));
    }

    static String abbreviate(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
