package vigil.threats.rules.falco;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;
import vigil.threats.rules.event.IpNet;

/**
 * Falco's fields on Vigil's events, from {@code falco/fields.tsv}, and Falco's syscall names on Vigil's event types,
 * from {@code falco/syscalls.tsv}. A field resolves, for one event type, to a reader of its values: strings, integers
 * (booleans as 0 and 1) or IP addresses, as arrays; an absent value is an empty array, as Falco's failed extraction.
 */
public final class FalcoFields {
    /** The type of a Falco field's values. */
    public enum Type {
        STRING,
        INT,
        BOOL,
        IP,
        /** An address compared as a network: {@code fd.net = 10.0.0.0/8} holds for an address inside. */
        NET
    }

    /** Reads a field's values from an event: {@code String[]}, {@code long[]} or {@link IpNet}{@code []}. */
    @FunctionalInterface
    public interface Reader {
        Object read(Event event);
    }

    /** A field resolved for one event type. */
    public record Accessor(Type type, Reader reader) {}

    /** A row of the table. */
    public record Mapping(String falco, Type type, Set<String> eventTypes, String rule, String notes) {
        public boolean supported() {
            return !rule.equals("-");
        }

        public boolean onEveryEvent() {
            return eventTypes.contains(Field.ANY_EVENT);
        }

        public boolean appliesTo(String eventType) {
            return onEveryEvent() || eventTypes.contains(eventType);
        }
    }

    private static final String[] EMPTY_STRINGS = {};
    private static final long[] EMPTY_LONGS = {};

    private final FieldCatalog catalog;
    /** A field's rows: one per set of event types its mapping differs on. */
    private final Map<String, List<Mapping>> mappings = new LinkedHashMap<>();

    private final Map<String, String> syscalls = new TreeMap<>();
    private final Map<String, List<String>> syscallsByType = new HashMap<>();
    private final Map<String, Map<Long, String>> constantNames = new HashMap<>();

    private FalcoFields(FieldCatalog catalog) {
        this.catalog = catalog;
        for (String[] row : FieldCatalog.rows("falco/fields.tsv")) {
            Set<String> types = new TreeSet<>(List.of(row[2].split(",")));
            Mapping mapping = new Mapping(
                    row[0], Type.valueOf(row[1].toUpperCase(Locale.ROOT)), types, row[3], row.length > 4 ? row[4] : "");
            mappings.computeIfAbsent(row[0], name -> new ArrayList<>()).add(mapping);
        }
        for (String[] row : FieldCatalog.rows("falco/syscalls.tsv")) {
            syscalls.put(row[0], row[1]);
            syscallsByType.computeIfAbsent(row[1], t -> new ArrayList<>()).add(row[0]);
        }
        for (String[] row : FieldCatalog.rows("secl/constants-linux.tsv")) {
            if (row.length >= 4 && row[2].equals("int")) {
                constantNames
                        .computeIfAbsent(row[0], g -> new LinkedHashMap<>())
                        .putIfAbsent(Long.parseLong(row[3]), row[1]);
            }
        }
    }

    private static final class Linux {
        static final FalcoFields FIELDS = new FalcoFields(FieldCatalog.linux());
    }

    public static FalcoFields linux() {
        return Linux.FIELDS;
    }

    public FieldCatalog catalog() {
        return catalog;
    }

    /** Every row of the table. */
    public List<Mapping> mappings() {
        return mappings.values().stream().flatMap(List::stream).toList();
    }

    /** Falco's syscall names onto Vigil event types. */
    public Map<String, String> syscalls() {
        return syscalls;
    }

    /** The syscall names a Vigil event type stands for ({@code exec}: execve, execveat). */
    public List<String> syscallsOf(String eventType) {
        return syscallsByType.getOrDefault(eventType, List.of());
    }

    /**
     * The field for events of {@code eventType}, or null when such events do not have it (it then reads as absent,
     * as a field that does not apply to an event in Falco).
     *
     * @throws UnsupportedException when Vigil cannot provide the field at all
     */
    public @Nullable Accessor resolve(Condition.FieldRef ref, String eventType) throws UnsupportedException {
        Mapping mapping = mapping(ref);
        for (Mapping row : mappings.getOrDefault(ref.name(), List.of())) {
            if (row.appliesTo(eventType)) {
                mapping = row;
            }
        }
        if (!mapping.appliesTo(eventType)) {
            return null;
        }
        Accessor base = compute(mapping, ref.arg(), eventType);
        for (String transformer : ref.transformers()) {
            base = transform(transformer, base, ref);
        }
        return base;
    }

    /** The row of a field, checked to be one Vigil provides. */
    public Mapping mapping(Condition.FieldRef ref) throws UnsupportedException {
        List<Mapping> rows = mappings.get(ref.name());
        Mapping mapping = rows == null ? null : rows.getFirst();
        if (mapping == null) {
            throw new UnsupportedException(ref.name(), "a field Vigil's mapping of Falco fields does not have");
        }
        if (!mapping.supported()) {
            throw new UnsupportedException(ref.name(), mapping.notes());
        }
        if (ref.arg() != null && !mapping.rule().startsWith("ancestor(")) {
            throw new UnsupportedException(ref.name() + "[]", "an argument to a field that takes none in Vigil");
        }
        return mapping;
    }

    private Accessor compute(Mapping mapping, @Nullable String arg, String eventType) throws UnsupportedException {
        String rule = mapping.rule().replace("{type}", eventType);
        if (rule.startsWith("=")) {
            return direct(seclField(rule.substring(1), mapping), mapping.type());
        }
        int open = rule.indexOf('(');
        String function = rule.substring(0, open);
        String[] args = rule.substring(open + 1, rule.length() - 1).split(",", -1);
        return switch (function) {
            case "const" -> {
                String[] value = {args[0]};
                yield new Accessor(Type.STRING, event -> value);
            }
            case "unnumbered" -> new Accessor(Type.INT, event -> EMPTY_LONGS);
            case "evttype" ->
                new Accessor(Type.STRING, event -> syscallsOf(event.type()).toArray(String[]::new));
            case "dirname", "basename" -> {
                int slot = seclField(args[0], mapping).slot();
                boolean dir = function.equals("dirname");
                yield new Accessor(
                        Type.STRING, event -> mapStrings(strings(event, slot), s -> dir ? dirname(s) : basename(s)));
            }
            case "cmdline" -> {
                int comm = seclField(args[0], mapping).slot();
                int argsSlot = seclField(args[1], mapping).slot();
                yield new Accessor(Type.STRING, event -> cmdline(event, comm, argsSlot));
            }
            case "join" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.STRING, event -> {
                    String[] values = strings(event, slot);
                    return event.valueAt(slot) == null ? EMPTY_STRINGS : new String[] {String.join(" ", values)};
                });
            }
            case "tag" -> {
                int slot = seclField(args[0], mapping).slot();
                String prefix = args[1] + ":";
                yield new Accessor(Type.STRING, event -> {
                    for (String tag : strings(event, slot)) {
                        if (tag.startsWith(prefix)) {
                            return new String[] {tag.substring(prefix.length())};
                        }
                    }
                    return EMPTY_STRINGS;
                });
            }
            case "containerid" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.STRING, event -> {
                    String[] ids = strings(event, slot);
                    String id = ids.length == 0 ? "" : ids[0];
                    return new String[] {id.isEmpty() ? "host" : id.substring(0, Math.min(12, id.length()))};
                });
            }
            case "tty" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.INT, event -> {
                    String[] names = strings(event, slot);
                    return new long[] {names.length == 0 || names[0].isEmpty() ? 0 : 1};
                });
            }
            case "since" -> {
                int slot = seclField(args[0], mapping).slot();
                int now = seclField("event.timestamp", mapping).slot();
                yield new Accessor(Type.INT, event -> {
                    long[] start = longs(event, slot);
                    long[] time = longs(event, now);
                    return start.length == 0 || time.length == 0 ? EMPTY_LONGS : new long[] {time[0] - start[0]};
                });
            }
            case "negative" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.BOOL, event -> mapLongs(longs(event, slot), v -> v < 0 ? 1 : 0));
            }
            case "loginuid" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.INT, event -> mapLongs(longs(event, slot), v -> v == 0xffffffffL ? -1 : v));
            }
            case "fdnum" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.INT, event -> mapLongs(longs(event, slot), v -> v < 0 ? -1 : v));
            }
            case "openread", "openwrite" -> {
                int slot = seclField(args[0], mapping).slot();
                long wanted = function.equals("openread") ? 0 : 1; // O_RDONLY, O_WRONLY; O_RDWR (2) is both
                yield new Accessor(
                        Type.BOOL,
                        event -> mapLongs(longs(event, slot), flags -> {
                            long mode = flags & 3;
                            return mode == wanted || mode == 2 ? 1 : 0;
                        }));
            }
            case "res" -> {
                int slot = seclField(args[0], mapping).slot();
                Map<Long, String> errors = constantNames.getOrDefault("Error constants", Map.of());
                yield new Accessor(Type.STRING, event -> {
                    long[] values = longs(event, slot);
                    if (values.length == 0) {
                        return EMPTY_STRINGS;
                    }
                    long value = values[0];
                    return new String[] {value >= 0 ? "SUCCESS" : errors.getOrDefault(value, Long.toString(value))};
                });
            }
            case "name" -> {
                int slot = seclField(args[0], mapping).slot();
                Map<Long, String> names = group(args[1]);
                yield new Accessor(Type.STRING, event -> {
                    long[] values = longs(event, slot);
                    String[] out = new String[values.length];
                    for (int i = 0; i < values.length; i++) {
                        out[i] = names.getOrDefault(values[i], Long.toString(values[i]));
                    }
                    return out;
                });
            }
            case "bits" -> {
                int slot = seclField(args[0], mapping).slot();
                Map<Long, String> names = group(args[1]);
                String separator = args[2];
                yield new Accessor(Type.STRING, event -> {
                    long[] values = longs(event, slot);
                    return values.length == 0 ? EMPTY_STRINGS : new String[] {bits(values[0], names, separator)};
                });
            }
            case "fdtypechar", "fdtype" -> {
                boolean character = function.equals("fdtypechar");
                Field family = catalog.find(args[0] + ".addr.family").orElse(null);
                if (family == null) {
                    String[] file = {character ? "f" : "file"};
                    yield new Accessor(Type.STRING, event -> file);
                }
                int slot = family.slot();
                yield new Accessor(Type.STRING, event -> mapFamily(longs(event, slot), character));
            }
            case "fdkind" -> {
                int mode = seclField(args[0] + ".file.mode", mapping).slot();
                int family = seclField(args[0] + ".addr.family", mapping).slot();
                boolean character = args[1].equals("char");
                yield new Accessor(Type.STRING, event -> fdKind(longs(event, mode), longs(event, family), character));
            }
            case "same" -> {
                int first = seclField(args[0], mapping).slot();
                int second = seclField(args[1], mapping).slot();
                yield new Accessor(Type.BOOL, event -> {
                    long[] a = longs(event, first);
                    long[] b = longs(event, second);
                    return a.length == 0 || b.length == 0 ? EMPTY_LONGS : new long[] {a[0] == b[0] ? 1 : 0};
                });
            }
            case "dirslash" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(
                        Type.STRING, event -> mapStrings(strings(event, slot), s -> s.endsWith("/") ? s : s + "/"));
            }
            case "sockfamily" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.STRING, event -> {
                    String[] kinds = mapFamily(longs(event, slot), false);
                    for (int i = 0; i < kinds.length; i++) {
                        kinds[i] = kinds[i].startsWith("ipv") ? "ip" : kinds[i];
                    }
                    return kinds;
                });
            }
            case "l4proto" -> {
                int slot = seclField(args[0], mapping).slot();
                yield new Accessor(Type.STRING, event -> {
                    long[] values = longs(event, slot);
                    String[] out = new String[values.length];
                    for (int i = 0; i < values.length; i++) {
                        out[i] = switch ((int) values[i]) {
                            case 6 -> "tcp";
                            case 17 -> "udp";
                            case 1, 58 -> "icmp";
                            case 132 -> "sctp";
                            default -> "<unknown>";
                        };
                    }
                    return out;
                });
            }
            case "ancestor" -> ancestor(mapping, seclField(args[0], mapping), seclField(args[1], mapping), arg);
            default -> throw new IllegalStateException("fields.tsv: unknown rule " + mapping.rule());
        };
    }

    /** {@code proc.aname[N]}: 0 is the process itself, N its Nth ancestor; no index: any ancestor. */
    private static Accessor ancestor(Mapping mapping, Field self, Field ancestors, @Nullable String arg)
            throws UnsupportedException {
        if (arg == null) {
            return direct(ancestors, mapping.type());
        }
        int index;
        try {
            index = Integer.parseInt(arg.trim());
        } catch (NumberFormatException e) {
            throw new UnsupportedException(mapping.falco() + "[" + arg + "]", "the index must be a number");
        }
        if (index == 0) {
            return direct(self, mapping.type());
        }
        Reader all = direct(ancestors, mapping.type()).reader();
        int at = index - 1;
        return new Accessor(mapping.type(), event -> switch (all.read(event)) {
            case String[] s -> s.length > at ? new String[] {s[at]} : EMPTY_STRINGS;
            case long[] l -> l.length > at ? new long[] {l[at]} : EMPTY_LONGS;
            default -> EMPTY_STRINGS;
        });
    }

    private Field seclField(String name, Mapping mapping) throws UnsupportedException {
        return catalog.find(name)
                .orElseThrow(() -> new UnsupportedException(
                        mapping.falco(), "its SECL field " + name + " is not in Vigil's event model"));
    }

    private Map<Long, String> group(String name) {
        Map<Long, String> names = constantNames.get(name);
        if (names == null) {
            throw new IllegalStateException("fields.tsv: unknown constants group " + name);
        }
        return names;
    }

    /** A SECL field read as the Falco type: booleans become 0 and 1. */
    private static Accessor direct(Field field, Type type) {
        int slot = field.slot();
        if (field.type() == FieldType.BOOL) {
            return new Accessor(type, event -> {
                if (!(event.valueAt(slot) instanceof boolean[] values)) {
                    return EMPTY_LONGS;
                }
                long[] out = new long[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = values[i] ? 1 : 0;
                }
                return out;
            });
        }
        Object empty = switch (field.type()) {
            case STRING -> EMPTY_STRINGS;
            case IP -> new IpNet[0];
            default -> EMPTY_LONGS;
        };
        return new Accessor(type, event -> {
            Object value = event.valueAt(slot);
            return value == null ? empty : value;
        });
    }

    private static Accessor transform(String transformer, Accessor base, Condition.FieldRef ref)
            throws UnsupportedException {
        if (base.type() != Type.STRING) {
            throw new UnsupportedException(transformer + "()", "applies to strings, not to " + ref.name());
        }
        Reader reader = base.reader();
        return switch (transformer) {
            case "tolower" ->
                new Accessor(
                        Type.STRING,
                        event -> mapStrings((String[]) reader.read(event), s -> s.toLowerCase(Locale.ROOT)));
            case "toupper" ->
                new Accessor(
                        Type.STRING,
                        event -> mapStrings((String[]) reader.read(event), s -> s.toUpperCase(Locale.ROOT)));
            case "basename" ->
                new Accessor(Type.STRING, event -> mapStrings((String[]) reader.read(event), FalcoFields::basename));
            case "b64" ->
                new Accessor(Type.STRING, event -> {
                    String[] values = (String[]) reader.read(event);
                    List<String> out = new ArrayList<>();
                    for (String value : values) {
                        try {
                            out.add(new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            // not base64: Falco's transformer fails the extraction, so the value is absent
                        }
                    }
                    return out.toArray(String[]::new);
                });
            case "len" ->
                new Accessor(Type.INT, event -> {
                    String[] values = (String[]) reader.read(event);
                    long[] out = new long[values.length];
                    for (int i = 0; i < values.length; i++) {
                        out[i] = values[i].length();
                    }
                    return out;
                });
            default -> throw new UnsupportedException(transformer + "()", "an unknown transformer");
        };
    }

    /** The value written for a field in a rule's output: its first value, or Falco's {@code <NA>}. */
    public String render(Condition.FieldRef ref, Event event) {
        Accessor accessor;
        try {
            accessor = resolve(ref, event.type());
        } catch (UnsupportedException e) {
            return "<NA>";
        }
        if (accessor == null) {
            return "<NA>";
        }
        return switch (accessor.reader().read(event)) {
            case String[] s -> s.length == 0 ? "<NA>" : String.join(",", s);
            case long[] l when accessor.type() == Type.BOOL -> l.length == 0 ? "<NA>" : Boolean.toString(l[0] != 0);
            case long[] l -> l.length == 0 ? "<NA>" : Long.toString(l[0]);
            case IpNet[] n -> n.length == 0 ? "<NA>" : n[0].toString();
            default -> "<NA>";
        };
    }

    private static String[] strings(Event event, int slot) {
        return event.valueAt(slot) instanceof String[] s ? s : EMPTY_STRINGS;
    }

    private static long[] longs(Event event, int slot) {
        return event.valueAt(slot) instanceof long[] l ? l : EMPTY_LONGS;
    }

    private static String[] mapStrings(String[] in, java.util.function.UnaryOperator<String> f) {
        String[] out = new String[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = f.apply(in[i]);
        }
        return out;
    }

    private static long[] mapLongs(long[] in, java.util.function.LongUnaryOperator f) {
        long[] out = new long[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = f.applyAsLong(in[i]);
        }
        return out;
    }

    private static String[] mapFamily(long[] families, boolean character) {
        String[] out = new String[families.length];
        for (int i = 0; i < families.length; i++) {
            out[i] = switch ((int) families[i]) {
                case 2 -> character ? "4" : "ipv4";
                case 10 -> character ? "6" : "ipv6";
                case 1 -> character ? "u" : "unix";
                default -> character ? "o" : "<unknown>";
            };
        }
        return out;
    }

    /**
     * The kind of a descriptor by its inode's mode ({@code S_IFMT} bits) and, for a socket, its address family: a
     * socket's family alone says socket when the mode is absent; neither says a file.
     */
    private static String[] fdKind(long[] mode, long[] family, boolean character) {
        long format = mode.length == 0 ? 0 : mode[0] & 0170000;
        if (format == 0140000 || (format == 0 && family.length > 0 && family[0] != 0)) {
            return mapFamily(family.length == 0 ? new long[] {0} : family, character);
        }
        String kind = switch ((int) format) {
            case 0010000 -> character ? "p" : "pipe";
            case 0040000 -> character ? "d" : "directory";
            default -> character ? "f" : "file";
        };
        return new String[] {kind};
    }

    private static String[] cmdline(Event event, int comm, int args) {
        if (event.valueAt(comm) == null) {
            return EMPTY_STRINGS;
        }
        String name = strings(event, comm).length == 0 ? "" : strings(event, comm)[0];
        String[] rest = strings(event, args);
        String joined = String.join(" ", rest);
        return new String[] {joined.isEmpty() ? name : name + " " + joined};
    }

    static String dirname(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : path.substring(0, slash);
    }

    static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String bits(long value, Map<Long, String> names, String separator) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Long, String> entry : names.entrySet()) {
            long bit = entry.getKey();
            if (bit != 0 && Long.bitCount(bit) == 1 && (value & bit) == bit) {
                out.add(entry.getValue());
            }
        }
        if (names.containsValue("O_WRONLY")) {
            // open's access mode is a 2-bit number, not flags; Falco prints O_RDONLY too
            out.removeIf(n -> n.equals("O_WRONLY") || n.equals("O_RDWR"));
            out.addFirst((value & 3) == 0 ? "O_RDONLY" : (value & 3) == 1 ? "O_WRONLY" : "O_RDWR");
        }
        return String.join(separator, out);
    }
}
