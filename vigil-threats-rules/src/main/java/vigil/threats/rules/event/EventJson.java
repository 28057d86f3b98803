package vigil.threats.rules.event;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events as JSON, one object per line (docs/threats-events.md): {@code {"type": "open", "fields":
 * {"open.file.path": "/etc/shadow", "process.ancestors.file.name": ["bash", "sshd"], ...}}}. Field names are
 * SECL's; a field of several values takes an array; an IP field a string ({@code "10.0.0.1"}, {@code "10.0.0.0/8"}).
 */
public final class EventJson {
    /** Longer than any real event; a longer line is refused before it is parsed. */
    public static final int MAX_LINE = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(8)
                            .maxStringLength(MAX_LINE)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private final EventBuilder builder;
    private final FieldCatalog catalog;

    public EventJson(FieldCatalog catalog) {
        this.builder = new EventBuilder(catalog);
        this.catalog = catalog;
    }

    /**
     * An event as one line, as {@link #parse} reads it back: its type and every field it carries, in the catalog's
     * order; a field of several values as an array (lists per ancestor flattened, which the reader accepts).
     */
    public String write(Event event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Field field : catalog.fields()) {
            if (!field.belongsTo(event.type()) || field.name().equals("event.type")) {
                continue;
            }
            Object value = event.value(field);
            if (value == null) {
                continue;
            }
            java.util.List<Object> items = new java.util.ArrayList<>();
            int length = java.lang.reflect.Array.getLength(value);
            for (int i = 0; i < length; i++) {
                Object item = java.lang.reflect.Array.get(value, i);
                items.add(item instanceof IpNet ? item.toString() : item);
            }
            if (field.multiple()) {
                fields.put(field.name(), items);
            } else if (!items.isEmpty()) {
                fields.put(field.name(), items.getFirst());
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("type", event.type());
        root.put("fields", fields);
        return JSON.writeValueAsString(root);
    }

    public Event parse(String line) throws EventBuilder.EventFormatException {
        if (line.length() > MAX_LINE) {
            throw new EventBuilder.EventFormatException("an event longer than " + MAX_LINE + " characters");
        }
        Object root;
        try {
            root = JSON.readValue(line, Object.class);
        } catch (JacksonException e) {
            throw new EventBuilder.EventFormatException("not JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof Map<?, ?> object)) {
            throw new EventBuilder.EventFormatException("an event is a JSON object with \"type\" and \"fields\"");
        }
        if (!(object.get("type") instanceof String type)) {
            throw new EventBuilder.EventFormatException("an event needs \"type\", a string");
        }
        Object fields = object.get("fields");
        if (fields != null && !(fields instanceof Map<?, ?>)) {
            throw new EventBuilder.EventFormatException("\"fields\" must be an object of SECL field names to values");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (fields instanceof Map<?, ?> map) {
            map.forEach((key, value) -> values.put(String.valueOf(key), value));
        }
        return builder.build(type, values);
    }
}
