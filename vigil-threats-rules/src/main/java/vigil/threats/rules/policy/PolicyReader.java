package vigil.threats.rules.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.secl.Pos;

/**
 * Reads a SECL policy file (Datadog's format: {@code version}, {@code macros}, {@code rules}) into definitions. A
 * malformed rule or macro is reported with its position and the others are read on; a file that is not YAML is one
 * error for the whole file.
 */
public final class PolicyReader {
    /** What a file held: its macros and rules, and what could not be read, with where. */
    public record Read(
            String file, List<Definitions.Macro> macros, List<Definitions.Rule> rules, List<RuleReport> problems) {}

    private final String file;
    private final List<RuleReport> problems = new ArrayList<>();

    private PolicyReader(String file) {
        this.file = file;
    }

    public static Read read(String file, String text) {
        PolicyReader reader = new PolicyReader(file);
        List<Definitions.Macro> macros = new ArrayList<>();
        List<Definitions.Rule> rules = new ArrayList<>();
        Optional<Yaml> root;
        try {
            root = Yaml.parse(file, text);
        } catch (Yaml.YamlException e) {
            reader.problem("(file)", e.pos(), "not a YAML policy: " + e.getMessage());
            return new Read(file, macros, rules, reader.problems);
        }
        if (root.isEmpty()) {
            reader.problem("(file)", new Pos(1, 1), "the file is empty");
            return new Read(file, macros, rules, reader.problems);
        }
        if (!(root.get() instanceof Yaml.Mapping top)) {
            reader.problem("(file)", root.get().pos(), "a policy is a mapping with macros and rules");
            return new Read(file, macros, rules, reader.problems);
        }
        for (Yaml item : reader.list(top, "macros")) {
            reader.macro(item).ifPresent(macros::add);
        }
        for (Yaml item : reader.list(top, "rules")) {
            reader.rule(item).ifPresent(rules::add);
        }
        return new Read(file, macros, rules, reader.problems);
    }

    /** A definition that cannot be read: named in the report, the rest read on. */
    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Pos pos;

        Malformed(Pos pos, String message) {
            super(message);
            this.pos = pos;
        }
    }

    private void problem(String id, Pos pos, String reason) {
        problems.add(new RuleReport(id, file + ":" + pos.line() + ":" + pos.column(), RuleStatus.ERROR, reason));
    }

    private List<Yaml> list(Yaml.Mapping top, String key) {
        Yaml value = top.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof Yaml.Sequence sequence) {
            return sequence.items();
        }
        problem("(file)", value.pos(), "'" + key + "' must be a list");
        return List.of();
    }

    private Optional<Definitions.Macro> macro(Yaml item) {
        String id = idOf(item);
        try {
            Yaml.Mapping map = mapping(item, "a macro");
            Definitions.@Nullable Text expression = optionalText(map, "expression");
            List<String> values = strings(map, "values");
            if (expression == null && values.isEmpty()) {
                throw new Malformed(map.pos(), "a macro needs an expression or values");
            }
            return Optional.of(new Definitions.Macro(
                    requiredId(map),
                    expression,
                    values,
                    texts(map, "filters"),
                    optionalString(map, "agent_version"),
                    optionalString(map, "combine"),
                    file,
                    map.pos()));
        } catch (Malformed e) {
            problem(id, e.pos, String.valueOf(e.getMessage()));
            return Optional.empty();
        }
    }

    private Optional<Definitions.Rule> rule(Yaml item) {
        String id = idOf(item);
        try {
            Yaml.Mapping map = mapping(item, "a rule");
            String ruleId = requiredId(map);
            if (!ruleId.matches("[A-Za-z0-9_.\\-]{1,256}")) {
                throw new Malformed(map.pos(), "a rule id is letters, digits, '_', '-' and '.', not '" + ruleId + "'");
            }
            List<Definitions.Action> actions = new ArrayList<>();
            for (Yaml action : sequence(map, "actions")) {
                actions.add(action(action));
            }
            List<String> overrides = new ArrayList<>();
            if (map.get("override_options") instanceof Yaml.Mapping options) {
                overrides.addAll(strings(options, "fields"));
            }
            return Optional.of(new Definitions.Rule(
                    ruleId,
                    optionalText(map, "expression"),
                    Optional.ofNullable(optionalString(map, "description")).orElse(""),
                    tags(map),
                    actions,
                    texts(map, "filters"),
                    optionalString(map, "agent_version"),
                    bool(map, "disabled"),
                    optionalString(map, "combine"),
                    overrides,
                    duration(map, "every"),
                    bool(map, "silent"),
                    tests(map),
                    file,
                    map.pos()));
        } catch (Malformed e) {
            problem(id, e.pos, String.valueOf(e.getMessage()));
            return Optional.empty();
        }
    }

    private Definitions.Action action(Yaml item) throws Malformed {
        Yaml.Mapping map = mapping(item, "an action");
        Definitions.@Nullable Text filter = optionalText(map, "filter");
        if (map.get("set") instanceof Yaml.Mapping set) {
            String name = optionalString(set, "name");
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new Malformed(set.pos(), "a set action needs a name of letters, digits and '_'");
            }
            Definitions.@Nullable Text expression = optionalText(set, "expression");
            Object value = set.get("value") == null ? null : plain(set.get("value"));
            String field = optionalString(set, "field");
            int given = (expression == null ? 0 : 1) + (value == null ? 0 : 1) + (field == null ? 0 : 1);
            if (given != 1) {
                throw new Malformed(set.pos(), "a set action takes exactly one of value, expression and field");
            }
            String scope = optionalString(set, "scope");
            if (scope != null && !List.of("process", "container", "cgroup").contains(scope)) {
                throw new Malformed(set.pos(), "a variable's scope is process, container or cgroup, not " + scope);
            }
            long size = integer(set, "size");
            return new Definitions.Set(
                    new Definitions.SetAction(
                            name,
                            value,
                            expression,
                            field,
                            set.get("default_value") == null ? null : plain(set.get("default_value")),
                            bool(set, "append"),
                            scope,
                            optionalString(set, "scope_field"),
                            duration(set, "ttl"),
                            (int) Math.min(size, 1 << 20),
                            bool(set, "inherited"),
                            bool(set, "private")),
                    filter);
        }
        if (map.get("kill") instanceof Yaml.Mapping kill) {
            return new Definitions.Kill(
                    Optional.ofNullable(optionalString(kill, "signal")).orElse("SIGKILL"),
                    Optional.ofNullable(optionalString(kill, "scope")).orElse("process"),
                    filter);
        }
        if (map.entries().containsKey("hash")) {
            return new Definitions.Hash(filter);
        }
        String kind = map.entries().keySet().stream()
                .filter(key -> !key.equals("filter"))
                .findFirst()
                .orElseThrow(() -> new Malformed(map.pos(), "an action with nothing to do"));
        return new Definitions.Other(kind, filter);
    }

    /** {@code tests: {match: [event...], no_match: [event...]}}; an event may list {@code after} events. */
    private static List<Definitions.RuleTest> tests(Yaml.Mapping rule) throws Malformed {
        Yaml value = rule.get("tests");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Yaml.Mapping tests)) {
            throw new Malformed(value.pos(), "'tests' must be a mapping of match and no_match events");
        }
        List<Definitions.RuleTest> out = new ArrayList<>();
        for (String key : tests.entries().keySet()) {
            if (!key.equals("match") && !key.equals("no_match")) {
                throw new Malformed(tests.pos(), "'tests' takes match and no_match, not " + key);
            }
            for (Yaml item : sequence(tests, key)) {
                Yaml.Mapping event = mapping(item, "a test event");
                List<Definitions.EventSpec> after = new ArrayList<>();
                for (Yaml earlier : sequence(event, "after")) {
                    after.add(eventSpec(mapping(earlier, "an event")));
                }
                out.add(new Definitions.RuleTest(key.equals("match"), eventSpec(event), after, event.pos()));
            }
        }
        return out;
    }

    private static Definitions.EventSpec eventSpec(Yaml.Mapping event) throws Malformed {
        String type = optionalString(event, "type");
        if (type == null) {
            throw new Malformed(event.pos(), "a test event needs a type");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Yaml values = event.get("fields");
        if (values instanceof Yaml.Mapping map) {
            for (Map.Entry<String, Yaml> field : map.entries().entrySet()) {
                fields.put(field.getKey(), eventValue(field.getValue()));
            }
        } else if (values != null) {
            throw new Malformed(values.pos(), "'fields' must map SECL field names to values");
        }
        return new Definitions.EventSpec(type, fields, event.pos());
    }

    /** A value of a test event as the event builder takes it: integers as BigInteger, lists, booleans, strings. */
    private static Object eventValue(Yaml value) throws Malformed {
        if (value instanceof Yaml.Sequence sequence) {
            List<Object> items = new ArrayList<>();
            for (Yaml item : sequence.items()) {
                items.add(eventValue(item));
            }
            return items;
        }
        if (!(value instanceof Yaml.Scalar scalar)) {
            throw new Malformed(value.pos(), "a field's value is a scalar or a list");
        }
        if (scalar.plain() && scalar.value().matches("-?\\d{1,20}")) {
            return new java.math.BigInteger(scalar.value());
        }
        if (scalar.plain() && (scalar.value().equals("true") || scalar.value().equals("false"))) {
            return Boolean.parseBoolean(scalar.value());
        }
        return scalar.value();
    }

    private static String idOf(Yaml item) {
        return item instanceof Yaml.Mapping map && map.get("id") instanceof Yaml.Scalar id ? id.value() : "(no id)";
    }

    private static Yaml.Mapping mapping(Yaml item, String what) throws Malformed {
        if (item instanceof Yaml.Mapping map) {
            return map;
        }
        throw new Malformed(item.pos(), what + " must be a mapping");
    }

    private static String requiredId(Yaml.Mapping map) throws Malformed {
        String id = optionalString(map, "id");
        if (id == null || id.isBlank()) {
            throw new Malformed(map.pos(), "an id is required");
        }
        return id;
    }

    private static @Nullable String optionalString(Yaml.Mapping map, String key) throws Malformed {
        Yaml value = map.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Yaml.Scalar scalar) {
            return scalar.value();
        }
        throw new Malformed(value.pos(), "'" + key + "' must be a single value");
    }

    private Definitions.@Nullable Text optionalText(Yaml.Mapping map, String key) throws Malformed {
        Yaml value = map.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Yaml.Scalar scalar) {
            return new Definitions.Text(scalar.value(), file, scalar.pos(), scalar.content(), scalar.block());
        }
        throw new Malformed(value.pos(), "'" + key + "' must be a string");
    }

    private List<Definitions.Text> texts(Yaml.Mapping map, String key) throws Malformed {
        List<Definitions.Text> out = new ArrayList<>();
        for (Yaml item : sequence(map, key)) {
            if (!(item instanceof Yaml.Scalar scalar)) {
                throw new Malformed(item.pos(), "'" + key + "' must be a list of strings");
            }
            out.add(new Definitions.Text(scalar.value(), file, scalar.pos(), scalar.content(), scalar.block()));
        }
        return out;
    }

    private static List<Yaml> sequence(Yaml.Mapping map, String key) throws Malformed {
        Yaml value = map.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof Yaml.Sequence sequence) {
            return sequence.items();
        }
        throw new Malformed(value.pos(), "'" + key + "' must be a list");
    }

    private static List<String> strings(Yaml.Mapping map, String key) throws Malformed {
        List<String> out = new ArrayList<>();
        for (Yaml item : sequence(map, key)) {
            if (!(item instanceof Yaml.Scalar scalar)) {
                throw new Malformed(item.pos(), "'" + key + "' must be a list of strings");
            }
            out.add(scalar.value());
        }
        return out;
    }

    private static Map<String, String> tags(Yaml.Mapping map) throws Malformed {
        Map<String, String> out = new LinkedHashMap<>();
        Yaml value = map.get("tags");
        if (value == null) {
            return out;
        }
        if (!(value instanceof Yaml.Mapping tags)) {
            throw new Malformed(value.pos(), "'tags' must be a mapping");
        }
        for (Map.Entry<String, Yaml> tag : tags.entries().entrySet()) {
            out.put(tag.getKey(), tag.getValue() instanceof Yaml.Scalar scalar ? scalar.value() : "");
        }
        return out;
    }

    private static boolean bool(Yaml.Mapping map, String key) throws Malformed {
        String value = optionalString(map, key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new Malformed(map.pos(), "'" + key + "' must be true or false, not " + value);
        };
    }

    private static long integer(Yaml.Mapping map, String key) throws Malformed {
        String value = optionalString(map, key);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Malformed(map.pos(), "'" + key + "' must be an integer, not " + value);
        }
    }

    /** Nanoseconds: an integer as written, or a Go duration ({@code 10s}, {@code 1h30m}, {@code 500ms}). */
    private static long duration(Yaml.Mapping map, String key) throws Malformed {
        String value = optionalString(map, key);
        if (value == null) {
            return 0;
        }
        try {
            return Durations.nanos(value);
        } catch (IllegalArgumentException e) {
            throw new Malformed(map.pos(), "'" + key + "': " + e.getMessage());
        }
    }

    /** A scalar as a value: an integer, a boolean or a string (what a set action's value is). */
    private static Object plain(Yaml value) throws Malformed {
        if (value instanceof Yaml.Sequence sequence) {
            List<Object> items = new ArrayList<>();
            for (Yaml item : sequence.items()) {
                items.add(plain(item));
            }
            return items;
        }
        if (!(value instanceof Yaml.Scalar scalar)) {
            throw new Malformed(value.pos(), "a value must be a scalar or a list");
        }
        if (scalar.plain()) {
            if (scalar.value().matches("-?\\d{1,18}")) {
                return Long.parseLong(scalar.value());
            }
            if (scalar.value().equals("true") || scalar.value().equals("false")) {
                return Boolean.parseBoolean(scalar.value());
            }
        }
        return scalar.value();
    }
}
