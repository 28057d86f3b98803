package vigil.threats.rules.falco;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Loads Falco rules files, in order, as Falco does: lists, macros and rules by name, a later file appending to or
 * overriding what an earlier one defined ({@code override: {condition: append}}, the legacy {@code append: true}),
 * exceptions turned into {@code and not (...)}. {@link #load()} then compiles every rule and says, per rule, whether
 * it loads, is disabled, is unsupported (naming the field or construct) or is in error ({@code file:line:col}).
 */
public final class FalcoRulesLoader {
    /** Plugins whose fields Vigil provides itself: the container plugin's, from Vigil's container context. */
    static final Set<String> PROVIDED_PLUGINS = Set.of("container");

    private static final Set<String> PRIORITIES =
            Set.of("emergency", "alert", "critical", "error", "warning", "notice", "informational", "info", "debug");

    private final FalcoFields fields;
    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Map<String, SourceText> macros = new LinkedHashMap<>();
    private final Map<String, RuleDef> rules = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> plugins = new ArrayList<>();
    private final List<String> engineVersions = new ArrayList<>();

    public FalcoRulesLoader(FalcoFields fields) {
        this.fields = fields;
    }

    /**
     * The outcome: the rules in the order they were first defined, what went wrong outside any rule, the plugins
     * the files require (and whether Vigil provides their fields), the engine versions they require.
     */
    public record Result(
            List<FalcoRule> rules, List<String> errors, List<String> plugins, List<String> engineVersions) {
        public Result {
            rules = List.copyOf(rules);
            errors = List.copyOf(errors);
            plugins = List.copyOf(plugins);
            engineVersions = List.copyOf(engineVersions);
        }

        public List<FalcoRule> of(String file) {
            return rules.stream().filter(r -> r.file().equals(file)).toList();
        }
    }

    /** One exception of a rule: its fields, comparisons and rows of values (strings, or lists for list operators). */
    private record ExceptionDef(
            String name,
            List<String> fields,
            boolean single,
            List<String> comps,
            List<Object> values,
            SourceText.Place place) {}

    private static final class RuleDef {
        final String name;
        final String file;
        final int line;

        @Nullable
        SourceText condition;

        String output = "";
        String priority = "";
        String source = "syscall";
        List<String> tags = new ArrayList<>();
        boolean enabled = true;
        List<ExceptionDef> exceptions = new ArrayList<>();

        FalcoRule.Status.@Nullable InError error;

        RuleDef(String name, String file, int line) {
            this.name = name;
            this.file = file;
            this.line = line;
        }
    }

    /** A rules file's items, added to what earlier files defined. */
    public void add(String file, String source) {
        Node root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file).build())
                    .composeString(source)
                    .orElse(null);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark()
                    .map(m -> file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                    .orElse(file);
            errors.add(where + ": not YAML: " + e.getProblem());
            return;
        } catch (YamlEngineException | IllegalArgumentException e) {
            // the engine checks some tokens (a tag like "! x") with plain argument checks rather than its own errors
            errors.add(file + ": not YAML: " + e.getMessage());
            return;
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof SequenceNode items)) {
            errors.add(at(file, source, root) + ": a rules file is a list of items");
            return;
        }
        for (Node item : items.getValue()) {
            try {
                item(file, source, item);
            } catch (ItemException e) {
                errors.add(e.getMessage());
            }
        }
    }

    /** An item that cannot be taken: the message starts with its location. */
    private static final class ItemException extends Exception {
        private static final long serialVersionUID = 1L;

        ItemException(String message) {
            super(message);
        }
    }

    private void item(String file, String source, Node item) throws ItemException {
        if (!(item instanceof MappingNode mapping)) {
            throw new ItemException(at(file, source, item) + ": an item is a mapping (rule, macro, list...)");
        }
        Map<String, Node> keys = keys(mapping);
        String where = at(file, source, item);
        if (keys.containsKey("required_engine_version")) {
            engineVersions.add(file + ": " + scalar(keys.get("required_engine_version"), where));
        } else if (keys.containsKey("required_plugin_versions")) {
            if (keys.get("required_plugin_versions") instanceof SequenceNode required) {
                for (Node plugin : required.getValue()) {
                    Map<String, Node> entry = plugin instanceof MappingNode m ? keys(m) : Map.of();
                    Node name = entry.get("name");
                    Node version = entry.get("version");
                    if (name != null) {
                        String pluginName = scalar(name, where);
                        plugins.add(pluginName
                                + (version == null ? "" : " " + scalar(version, where))
                                + (PROVIDED_PLUGINS.contains(pluginName)
                                        ? ": its fields come from Vigil's events (fields.tsv)"
                                        : ": not provided, rules reading its fields are unsupported"));
                    }
                }
            }
        } else if (keys.containsKey("list")) {
            list(keys, where);
        } else if (keys.containsKey("macro")) {
            macro(file, source, keys, where);
        } else if (keys.containsKey("rule")) {
            rule(file, source, keys, mapping, where);
        } else {
            throw new ItemException(where + ": unknown item with keys " + keys.keySet());
        }
    }

    /** {@code override: {condition: append, output: replace}}, or the legacy {@code append: true} (append all). */
    private static Map<String, String> override(Map<String, Node> keys, String where, Set<String> appendable)
            throws ItemException {
        Map<String, String> out = new LinkedHashMap<>();
        Node override = keys.get("override");
        if (override instanceof MappingNode mapping) {
            for (Map.Entry<String, Node> entry : keys(mapping).entrySet()) {
                String how = scalar(entry.getValue(), where);
                if (!how.equals("append") && !how.equals("replace")) {
                    throw new ItemException(
                            where + ": override of " + entry.getKey() + " is append or replace, not " + how);
                }
                if (!keys.containsKey(entry.getKey())) {
                    throw new ItemException(where + ": override of " + entry.getKey() + " without a new value");
                }
                out.put(entry.getKey(), how);
            }
        } else if (override != null) {
            throw new ItemException(where + ": override is a mapping of keys to append or replace");
        }
        Node append = keys.get("append");
        if (append != null && scalar(append, where).equals("true")) {
            for (String key : appendable) {
                if (keys.containsKey(key)) {
                    out.put(key, "append");
                }
            }
        }
        return out;
    }

    private void list(Map<String, Node> keys, String where) throws ItemException {
        String name = scalar(keys.get("list"), where);
        List<String> items = new ArrayList<>();
        Node node = keys.get("items");
        if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                items.add(scalar(item, where));
            }
        } else if (node != null) {
            throw new ItemException(where + ": the items of list " + name + " are a sequence");
        }
        Map<String, String> override = override(keys, where, Set.of("items"));
        if (!override.isEmpty() || keys.containsKey("append")) {
            List<String> existing = lists.get(name);
            if (existing == null) {
                throw new ItemException(where + ": list " + name + " appends to or overrides a list not defined");
            }
            if ("append".equals(override.get("items"))) {
                existing.addAll(items);
                return;
            }
        }
        lists.put(name, items);
    }

    private void macro(String file, String source, Map<String, Node> keys, String where) throws ItemException {
        String name = scalar(keys.get("macro"), where);
        Node conditionNode = keys.get("condition");
        if (conditionNode == null) {
            throw new ItemException(where + ": macro " + name + " has no condition");
        }
        SourceText condition = text(file, source, conditionNode, where);
        Map<String, String> override = override(keys, where, Set.of("condition"));
        if (!override.isEmpty()) {
            SourceText existing = macros.get(name);
            if (existing == null) {
                throw new ItemException(where + ": macro " + name + " appends to or overrides a macro not defined");
            }
            if ("append".equals(override.get("condition"))) {
                macros.put(name, existing.append(" ", condition));
                return;
            }
        }
        macros.put(name, condition);
    }

    private void rule(String file, String source, Map<String, Node> keys, MappingNode node, String where)
            throws ItemException {
        String name = scalar(keys.get("rule"), where);
        Map<String, String> override = override(keys, where, Set.of("condition", "exceptions"));
        RuleDef existing = rules.get(name);
        boolean amends = !override.isEmpty()
                || keys.containsKey("append")
                || (existing != null && !keys.containsKey("condition"));
        if (amends && existing == null) {
            throw new ItemException(where + ": rule " + name + " appends to or overrides a rule not defined");
        }
        RuleDef rule = amends
                ? existing
                : new RuleDef(
                        name,
                        file,
                        node.getStartMark().map(m -> m.getLine() + 1).orElse(0));
        if (rule == null) {
            return;
        }
        for (Map.Entry<String, Node> entry : keys.entrySet()) {
            String key = entry.getKey();
            Node value = entry.getValue();
            boolean append = "append".equals(override.get(key));
            switch (key) {
                case "condition" -> {
                    SourceText condition = text(file, source, value, where);
                    rule.condition =
                            append && rule.condition != null ? rule.condition.append(" ", condition) : condition;
                }
                case "output" -> rule.output = append ? rule.output + " " + scalar(value, where) : scalar(value, where);
                case "priority" -> {
                    String priority = scalar(value, where);
                    if (!PRIORITIES.contains(priority.toLowerCase(Locale.ROOT))) {
                        rule.error =
                                new FalcoRule.Status.InError(at(file, source, value), "unknown priority " + priority);
                    }
                    rule.priority = priority;
                }
                case "source" -> rule.source = scalar(value, where);
                case "enabled" -> rule.enabled = !scalar(value, where).equals("false");
                case "tags" -> {
                    List<String> tags = strings(value, where);
                    if (!append) {
                        rule.tags.clear();
                    }
                    rule.tags.addAll(tags);
                }
                case "exceptions" -> exceptions(rule, file, source, value, where, append);
                default -> {
                    // desc, warn_evttypes, skip-if-unknown-filter, capture...: kept by Falco for display, not here
                }
            }
        }
        rules.put(name, rule);
    }

    private void exceptions(RuleDef rule, String file, String source, Node node, String where, boolean append)
            throws ItemException {
        if (!(node instanceof SequenceNode sequence)) {
            throw new ItemException(where + ": exceptions are a sequence");
        }
        if (!append) {
            rule.exceptions.clear();
        }
        for (Node item : sequence.getValue()) {
            if (!(item instanceof MappingNode mapping)) {
                throw new ItemException(at(file, source, item) + ": an exception is a mapping");
            }
            Map<String, Node> keys = keys(mapping);
            String itemWhere = at(file, source, item);
            String name = scalar(keys.get("name"), itemWhere);
            ExceptionDef previous = null;
            for (ExceptionDef def : rule.exceptions) {
                if (def.name().equals(name)) {
                    previous = def;
                }
            }
            List<Object> values = new ArrayList<>();
            if (keys.get("values") instanceof SequenceNode rows) {
                for (Node row : rows.getValue()) {
                    values.add(plain(row, itemWhere));
                }
            }
            if (previous != null && !keys.containsKey("fields")) {
                List<Object> merged = new ArrayList<>(previous.values());
                merged.addAll(values);
                rule.exceptions.set(
                        rule.exceptions.indexOf(previous),
                        new ExceptionDef(
                                name,
                                previous.fields(),
                                previous.single(),
                                previous.comps(),
                                merged,
                                previous.place()));
                continue;
            }
            Node fieldsNode = keys.get("fields");
            if (fieldsNode == null) {
                throw new ItemException(itemWhere + ": exception " + name + " has no fields");
            }
            boolean single = fieldsNode instanceof ScalarNode;
            List<String> exceptionFields =
                    single ? List.of(scalar(fieldsNode, itemWhere)) : strings(fieldsNode, itemWhere);
            List<String> comps = new ArrayList<>();
            Node compsNode = keys.get("comps");
            if (compsNode instanceof ScalarNode) {
                comps.add(scalar(compsNode, itemWhere));
            } else if (compsNode != null) {
                comps.addAll(strings(compsNode, itemWhere));
            }
            while (comps.size() < exceptionFields.size()) {
                comps.add(single ? "in" : "=");
            }
            SourceText.Place place = offset -> itemWhere;
            rule.exceptions.add(new ExceptionDef(name, exceptionFields, single, comps, values, place));
        }
    }

    /** Compiles every rule against everything added. */
    public Result load() {
        Map<String, List<String>> expanded = new LinkedHashMap<>();
        for (String name : lists.keySet()) {
            expanded.put(name, expand(name, new ArrayList<>()));
        }
        FalcoCompiler compiler = new FalcoCompiler(fields, macros, expanded);
        List<FalcoRule> out = new ArrayList<>();
        for (RuleDef rule : rules.values()) {
            out.add(compile(rule, compiler));
        }
        return new Result(out, errors, plugins, engineVersions);
    }

    private FalcoRule compile(RuleDef rule, FalcoCompiler compiler) {
        FalcoRule.Status status;
        FalcoCompiler.Compiled compiled = null;
        if (rule.error != null) {
            status = rule.error;
        } else if (!rule.source.equals("syscall")) {
            status = new FalcoRule.Status.Unsupported(
                    "source " + rule.source, "only syscall rules run on Vigil's events");
        } else if (rule.condition == null) {
            status = new FalcoRule.Status.InError(rule.file + ":" + rule.line + ":1", "the rule has no condition");
        } else if (!rule.enabled) {
            status = new FalcoRule.Status.Disabled();
        } else {
            SourceText condition = withExceptions(rule.condition, rule.exceptions);
            try {
                compiled = compiler.compile(condition);
                status = new FalcoRule.Status.Loaded();
            } catch (FalcoSyntaxException e) {
                status = new FalcoRule.Status.InError(condition.locate(e.offset()), String.valueOf(e.getMessage()));
            } catch (FalcoCompileException e) {
                status = new FalcoRule.Status.InError(e.location(), String.valueOf(e.getMessage()));
            } catch (UnsupportedException e) {
                status = new FalcoRule.Status.Unsupported(e.what(), e.reason());
            }
        }
        return new FalcoRule(rule.name, rule.file, rule.line, status, rule.priority, rule.tags, rule.output, compiled);
    }

    /** {@code (condition) and not (exception 1) and not (exception 2)}, as Falco builds it. */
    private static SourceText withExceptions(SourceText condition, List<ExceptionDef> exceptions) {
        SourceText out = condition;
        for (ExceptionDef exception : exceptions) {
            String text = exceptionText(exception);
            if (text.isEmpty()) {
                continue;
            }
            out = out.wrapAppend("(", ") and not ", SourceText.of("(" + text + ")", exception.place()), "");
        }
        return out;
    }

    private static String exceptionText(ExceptionDef exception) {
        List<String> rows = new ArrayList<>();
        if (exception.single()) {
            String field = exception.fields().getFirst();
            String comp = exception.comps().getFirst();
            if (exception.values().isEmpty()) {
                return "";
            }
            if (ConditionParser.LIST_OPERATORS.contains(comp)) {
                List<String> items = new ArrayList<>();
                for (Object value : exception.values()) {
                    items.add(quote(String.valueOf(value)));
                }
                return field + " " + comp + " (" + String.join(", ", items) + ")";
            }
            for (Object value : exception.values()) {
                rows.add(field + " " + comp + " " + quote(String.valueOf(value)));
            }
            return String.join(" or ", rows);
        }
        for (Object row : exception.values()) {
            List<?> values = row instanceof List<?> list ? list : List.of(row);
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < exception.fields().size() && i < values.size(); i++) {
                String comp = exception.comps().get(i);
                Object value = values.get(i);
                String rendered;
                if (ConditionParser.LIST_OPERATORS.contains(comp)) {
                    List<?> items = value instanceof List<?> l ? l : List.of(value);
                    List<String> quoted = new ArrayList<>();
                    for (Object v : items) {
                        quoted.add(quote(String.valueOf(v)));
                    }
                    rendered = "(" + String.join(", ", quoted) + ")";
                } else {
                    rendered = quote(String.valueOf(value));
                }
                terms.add(exception.fields().get(i) + " " + comp + " " + rendered);
            }
            rows.add("(" + String.join(" and ", terms) + ")");
        }
        return String.join(" or ", rows);
    }

    /** A value as a condition writes it: bare when it can be, else double-quoted. */
    static String quote(String value) {
        boolean bare = !value.isEmpty()
                && value.chars().noneMatch(c -> Character.isWhitespace(c) || "()\",'=".indexOf(c) >= 0);
        return bare ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A list's items with the lists it names replaced by their items, as Falco expands them. */
    private List<String> expand(String name, List<String> visiting) {
        List<String> out = new ArrayList<>();
        visiting.add(name);
        for (String item : lists.getOrDefault(name, List.of())) {
            if (lists.containsKey(item) && !visiting.contains(item)) {
                out.addAll(expand(item, visiting));
            } else {
                out.add(unquote(item));
            }
        }
        visiting.removeLast();
        return out;
    }

    /**
     * A list item as the condition reads it: Falco pastes items into the condition's text, so an item written with
     * quotes ({@code '"10.0.0.0/8"'}) is a quoted string there.
     */
    static String unquote(String item) {
        if (item.length() >= 2
                && ((item.startsWith("\"") && item.endsWith("\"")) || (item.startsWith("'") && item.endsWith("'")))) {
            return item.substring(1, item.length() - 1);
        }
        return item;
    }

    private static Map<String, Node> keys(MappingNode mapping) {
        Map<String, Node> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                keys.put(key.getValue(), tuple.getValueNode());
            }
        }
        return keys;
    }

    private static String scalar(@Nullable Node node, String where) throws ItemException {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw new ItemException(where + ": expected a single value");
    }

    private static List<String> strings(Node node, String where) throws ItemException {
        if (node instanceof ScalarNode scalar) {
            return List.of(scalar.getValue());
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw new ItemException(where + ": expected a list of values");
        }
        List<String> out = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            out.add(scalar(item, where));
        }
        return out;
    }

    /** A value as strings and lists of them. */
    private static Object plain(Node node, String where) throws ItemException {
        if (node instanceof SequenceNode sequence) {
            List<Object> out = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                out.add(plain(item, where));
            }
            return out;
        }
        return scalar(node, where);
    }

    private static SourceText text(String file, String source, Node node, String where) throws ItemException {
        return SourceText.of(scalar(node, where), YamlPlace.of(file, source, node));
    }

    private static String at(String file, String source, Node node) {
        return YamlPlace.at(
                file, source, node.getStartMark().map(m -> m.getIndex()).orElse(0));
    }
}
