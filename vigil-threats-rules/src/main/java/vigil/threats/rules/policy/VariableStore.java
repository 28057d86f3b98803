package vigil.threats.rules.policy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;

/**
 * The variables rules set, as the engine reads them: global ones, and ones per process (keyed by its pid), per
 * container (its id) or per cgroup (its id), each with its time to live. Bounded: at most {@link #MAX_KEYS} keys per
 * variable, the oldest dropped first.
 */
public final class VariableStore implements Scope {
    static final int MAX_KEYS = 65_536;

    private record Value(Object values, long expiresAt) {}

    private final FieldCatalog catalog;
    /** Looked up once: these are read for every variable an event's rules read. */
    private final @Nullable Field timestamp;

    private final Map<String, @Nullable Field> scopeFields = new HashMap<>();
    /** Each variable set so far, by name: rules read it by the name they were compiled with. */
    private final Map<String, Slot> slots = new HashMap<>();

    private final Map<String, String> scopes = new HashMap<>();

    /** A variable's values by key, and the field its reads are keyed by (resolved once, not per read). */
    private static final class Slot {
        /** Its scope ({@code process}, {@code container}, {@code cgroup}), or null for a global variable. */
        final @Nullable String scope;

        final @Nullable Field readField;
        final Map<String, Value> keyed = new LinkedHashMap<>();

        Slot(@Nullable String scope, @Nullable Field readField) {
            this.scope = scope;
            this.readField = readField;
        }
    }

    public VariableStore(FieldCatalog catalog, RuleSet rules) {
        this.catalog = catalog;
        this.timestamp = catalog.find("event.timestamp").orElse(null);
        for (RuleSet.Loaded rule : rules.rules()) {
            for (RuleSet.CompiledAction action : rule.actions()) {
                if (action.action() instanceof Definitions.Set set && set.set().scope() != null) {
                    scopes.put(set.set().qualifiedName(), set.set().scope());
                }
            }
        }
    }

    /**
     * The variables read for the last event, by name: the rules of an exec read the same few process variables again
     * and again (Datadog's policy reads {@code process.correlation_key} in six rules), each read two hash look-ups.
     * The event's clock is the same for every read, so an answer holds until a {@link #set} or the next event.
     */
    private @Nullable Event readEvent;

    private final String[] readNames = new String[8];
    private final @Nullable Object[] readValues = new Object[8];
    private int readCount;

    @Override
    public @Nullable Object variable(String name, Event event) {
        if (readEvent != event) {
            readEvent = event;
            readCount = 0;
        }
        for (int i = 0; i < readCount; i++) {
            if (readNames[i] == name) {
                return readValues[i];
            }
        }
        if (name.equals("builtins.uuid4")) {
            return new String[] {UUID.randomUUID().toString()}; // a new one for every read, never remembered
        }
        Object value = lookUp(name, event);
        if (readCount < readNames.length) {
            readNames[readCount] = name;
            readValues[readCount++] = value;
        }
        return value;
    }

    private @Nullable Object lookUp(String name, Event event) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return null;
        }
        Value value = slot.keyed.get(slot.scope != null ? key(slot.readField, event) : "");
        if (value == null || value.expiresAt() != 0 && value.expiresAt() <= now(event)) {
            return null;
        }
        return value.values();
    }

    @Override
    public long now(Event event) {
        Object value = timestamp == null ? null : event.value(timestamp);
        if (value instanceof long[] values && values.length > 0 && values[0] != 0) {
            return values[0];
        }
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Runs a set action for a matched event. */
    void set(Definitions.SetAction set, Object values, Event event) {
        readEvent = null; // what this event's rules read before may change now
        String name = set.qualifiedName();
        Slot slot = slots.computeIfAbsent(name, this::slot);
        Map<String, Value> keyed = slot.keyed;
        String scope = slot.scope;
        String key = scope != null ? key(field(scopeField(scope, set.scopeField())), event) : "";
        long expires = set.ttlNanos() > 0 ? now(event) + set.ttlNanos() : 0;
        Object stored = values;
        Value before = keyed.get(key);
        if (set.append() && before != null && (before.expiresAt() == 0 || before.expiresAt() > now(event))) {
            stored = append(before.values(), values, set.size() > 0 ? set.size() : MAX_KEYS);
        }
        keyed.remove(key);
        keyed.put(key, new Value(stored, expires));
        if (keyed.size() > MAX_KEYS) {
            keyed.remove(keyed.keySet().iterator().next());
        }
    }

    private Slot slot(String name) {
        String scope = scopes.get(name);
        return new Slot(scope, scope == null ? null : field(scopeField(scope, null)));
    }

    private @Nullable Field field(String name) {
        return scopeFields.computeIfAbsent(name, wanted -> catalog.find(wanted).orElse(null));
    }

    /**
     * The last event a key was made for, and its keys by scope field: an event's rules read the same process's
     * variables many times, and a pid's key is a new string each time it is made.
     */
    private @Nullable Event keyedEvent;

    /** At most a few scope fields: looked up by a walk over the resolved fields, not a hash (per variable read). */
    private final @Nullable Field[] eventKeyFields = new Field[8];

    private final String[] eventKeys = new String[8];
    private int eventKeyCount;

    /** The key of a scoped variable for an event: its process, container or cgroup ("" without the field). */
    private String key(@Nullable Field field, Event event) {
        if (field == null) {
            return "";
        }
        if (keyedEvent != event) {
            keyedEvent = event;
            eventKeyCount = 0;
        }
        for (int i = 0; i < eventKeyCount; i++) {
            if (eventKeyFields[i] == field) {
                return eventKeys[i];
            }
        }
        String key = keyOf(field, event);
        if (eventKeyCount < eventKeys.length) {
            eventKeyFields[eventKeyCount] = field;
            eventKeys[eventKeyCount++] = key;
        }
        return key;
    }

    private static String scopeField(String scope, @Nullable String scopeField) {
        return scopeField != null
                ? scopeField
                : switch (scope) {
                    case "process" -> "process.pid";
                    case "container" -> "process.container.id";
                    default -> "process.cgroup.id";
                };
    }

    private String keyOf(Field field, Event event) {
        Object value = event.value(field);
        // instanceof, not a pattern switch: this runs for the first variable read of each event
        if (value instanceof String[] strings && strings.length > 0) {
            return strings[0];
        }
        if (value instanceof long[] longs && longs.length > 0) {
            return number(longs[0]);
        }
        return "";
    }

    /** Keys of recent numeric scopes (pids), by their low bits: a process's events read the same key again. */
    private final long[] numbers = new long[4096];

    private final @Nullable String[] numberKeys = new String[4096];

    private String number(long value) {
        int slot = (int) (value & (numbers.length - 1));
        String known = numberKeys[slot];
        if (known != null && numbers[slot] == value) {
            return known;
        }
        String made = Long.toString(value);
        numbers[slot] = value;
        numberKeys[slot] = made;
        return made;
    }

    private static Object append(Object before, Object added, int size) {
        return switch (before) {
            case String[] a
            when added instanceof String[] b -> {
                java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(java.util.List.of(a));
                all.addAll(java.util.List.of(b));
                yield all.stream().skip(Math.max(0, all.size() - size)).toArray(String[]::new);
            }
            case long[] a
            when added instanceof long[] b -> {
                long[] all = java.util.stream.LongStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
                        .distinct()
                        .toArray();
                yield java.util.Arrays.copyOfRange(all, Math.max(0, all.length - size), all.length);
            }
            default -> added;
        };
    }
}
