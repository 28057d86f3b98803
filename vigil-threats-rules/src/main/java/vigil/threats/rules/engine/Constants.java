package vigil.threats.rules.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vigil.threats.rules.event.FieldCatalog;

/** SECL's named constants ({@code O_CREAT}, {@code S_IXUSR}, {@code SIGKILL}...) and their values. */
public final class Constants {
    private final Map<String, Object> values;

    private Constants(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public static Constants of(Map<String, Object> values) {
        return new Constants(values);
    }

    private static final class Linux {
        static final Constants CONSTANTS = load();
    }

    /** Linux x86_64: {@code secl/constants-linux.tsv} (group, name, kind, value). */
    public static Constants linux() {
        return Linux.CONSTANTS;
    }

    private static Constants load() {
        Map<String, Object> values = new HashMap<>();
        for (String[] row : FieldCatalog.rows("secl/constants-linux.tsv")) {
            if (row.length < 4) {
                continue;
            }
            Object value = switch (row[2]) {
                case "int" -> row[3].startsWith("-") ? Long.parseLong(row[3]) : Long.parseUnsignedLong(row[3]);
                case "bool" -> Boolean.parseBoolean(row[3]);
                default -> row[3];
            };
            Object before = values.get(row[1]);
            if (before instanceof String first && value instanceof String next && !first.equals(next)) {
                values.put(row[1], new java.util.ArrayList<>(List.of(first, next))); // an array of strings
            } else if (before instanceof List<?> list && value instanceof String next) {
                @SuppressWarnings("unchecked")
                List<String> strings = (List<String>) list;
                strings.add(next);
            } else {
                values.putIfAbsent(row[1], value);
            }
        }
        values.putIfAbsent("true", Boolean.TRUE);
        values.putIfAbsent("false", Boolean.FALSE);
        values.replaceAll((name, value) -> value instanceof List<?> list ? List.copyOf(list) : value);
        return new Constants(values);
    }

    /** A {@link Long}, {@link Boolean}, {@link String} or a list of strings ({@code CWS_MAP_NAMES}). */
    public Optional<Object> find(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
