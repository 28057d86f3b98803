package vigil.threats.rules.event;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields events can carry, each with its slot. Vigil's Linux catalog is {@code secl/fields-linux.tsv}, checked
 * against Datadog's published SECL reference ({@code field, type, event type, constants group}), the few fields the
 * default policy uses beyond it ({@code fields-linux-extra.tsv}), and Vigil's extensions: event types and fields
 * outside SECL's model that Vigil's sensor provides for Falco's rules ({@code vigil-event-types-linux.tsv},
 * {@code vigil-extensions-linux.tsv}; docs/threats-events.md).
 */
public final class FieldCatalog {
    /** Last name segments of fields that hold several values (besides every field of a process's ancestors). */
    private static final Set<String> MULTIPLE =
            Set.of("argv", "envs", "envp", "args_flags", "args_options", "tags", "hashes", "answers", "flows");

    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final Map<String, String> legacy = new java.util.HashMap<>();
    private final Set<String> eventTypes;
    /** The names of Vigil's extensions: fields and event types outside SECL's reference. */
    private final Set<String> extensions = new TreeSet<>();

    /** Slots: one per field, then one per grouped field for its groups' sizes. */
    private final int slots;

    private FieldCatalog(List<Entry> entries, Collection<String> eventTypes) {
        List<Entry> grouped = new ArrayList<>();
        for (Entry entry : entries) {
            if (!fields.containsKey(entry.name())) {
                fields.put(
                        entry.name(),
                        new Field(
                                entry.name(), entry.type(), entry.eventType(), fields.size(), multiple(entry.name())));
                if (grouped(entry.name())) {
                    grouped.add(entry);
                }
            }
        }
        int next = fields.size();
        for (Entry entry : grouped) {
            Field field = java.util.Objects.requireNonNull(fields.get(entry.name()));
            fields.put(
                    entry.name(), new Field(field.name(), field.type(), field.eventType(), field.slot(), true, next++));
        }
        this.slots = next;
        this.eventTypes = new TreeSet<>(eventTypes);
    }

    /** A list per element of an iterator: an ancestor's (or flow's) arguments, environment, tags... */
    static boolean grouped(String name) {
        return (name.contains("ancestors.") || name.contains(".flows."))
                && MULTIPLE.contains(name.substring(name.lastIndexOf('.') + 1));
    }

    /** A field as a table lists it. */
    public record Entry(String name, FieldType type, String eventType) {}

    public static FieldCatalog of(List<Entry> entries, Collection<String> eventTypes) {
        return new FieldCatalog(entries, eventTypes);
    }

    private static final class Linux {
        static final FieldCatalog CATALOG = load();
    }

    /** SECL's Linux fields. */
    public static FieldCatalog linux() {
        return Linux.CATALOG;
    }

    static boolean multiple(String name) {
        String base = name.endsWith(".length") ? name.substring(0, name.length() - ".length".length()) : name;
        return base.contains("ancestors.")
                || base.contains(".flows.")
                || MULTIPLE.contains(base.substring(base.lastIndexOf('.') + 1));
    }

    private static FieldCatalog load() {
        List<Entry> entries = new ArrayList<>();
        List<String[]> rows = new ArrayList<>(rows("secl/fields-linux.tsv"));
        rows.addAll(rows("secl/fields-linux-extra.tsv"));
        List<String[]> extensionRows = rows("secl/vigil-extensions-linux.tsv");
        rows.addAll(extensionRows);
        for (String[] row : rows) {
            if (row.length < 3 || row[1].equals("?")) {
                continue;
            }
            entries.add(new Entry(row[0], FieldType.of(row[1]), row[2]));
        }
        List<String> types = new ArrayList<>();
        List<String[]> typeRows = new ArrayList<>(rows("secl/event-types-linux.tsv"));
        List<String[]> extensionTypes = rows("secl/vigil-event-types-linux.tsv");
        typeRows.addAll(extensionTypes);
        for (String[] row : typeRows) {
            if (!row[0].equals(Field.ANY_EVENT)) {
                types.add(row[0]);
            }
        }
        FieldCatalog catalog = new FieldCatalog(entries, types);
        extensionRows.forEach(row -> catalog.extensions.add(row[0]));
        extensionTypes.forEach(row -> catalog.extensions.add(row[0]));
        for (String[] row : rows("secl/legacy-fields-linux.tsv")) {
            catalog.legacy.put(row[0], row[1]);
        }
        return catalog;
    }

    /** The tab-separated rows of a resource of this package's {@code rules} directory, without comments. */
    public static List<String[]> rows(String resource) {
        String path = "/vigil/threats/rules/" + resource;
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = FieldCatalog.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + path + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split("\t", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** A field by its name, or by a legacy name the reference still accepts ({@code open.filename}). */
    public Optional<Field> find(String name) {
        Field field = fields.get(name);
        if (field == null && legacy.containsKey(name)) {
            field = fields.get(legacy.get(name));
        }
        return Optional.ofNullable(field);
    }

    public Collection<Field> fields() {
        return fields.values();
    }

    /** The slots an event may use: the fields', and the group sizes of the grouped ones. */
    public int size() {
        return slots;
    }

    /**
     * Whether a field or an event type is Vigil's extension of SECL's model (a sensor other than Vigil's does not
     * provide it).
     */
    public boolean isExtension(String name) {
        return extensions.contains(name);
    }

    /** The event types, {@code *} excluded. */
    public Set<String> eventTypes() {
        return eventTypes;
    }
}
