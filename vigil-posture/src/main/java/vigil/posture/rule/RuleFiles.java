package vigil.posture.rule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.model.Severity;
import vigil.posture.model.Unknown;
import vigil.posture.rule.Rule.Example;
import vigil.posture.rule.Rule.Expect;
import vigil.posture.rule.Rule.Expression;
import vigil.posture.rule.Rule.Remediation;

/**
 * Reads posture rule files: YAML with a {@code rules} list, each rule's problems named by file, line and column. A
 * rule with a problem is left out and the others are kept, so one typo does not take a whole file's rules away; the
 * caller decides whether any problem is fatal ({@code vigil rules check} says it is).
 */
public final class RuleFiles {
    /** The tag an example uses for a value known only after apply. */
    public static final String UNKNOWN_TAG = "!unknown";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Set<String> RULE_KEYS = Set.of(
            "id",
            "title",
            "severity",
            "resource_types",
            "resource_names",
            "rationale",
            "remediation",
            "references",
            "frameworks",
            "applies",
            "check",
            "expected",
            "examples");
    private static final Set<String> REMEDIATION_KEYS =
            Set.of("text", "shell", "terraform", "cloudformation", "kubectl");
    private static final String RELATED_KEY = "_related";

    /** What a set of files gave: the rules that can be used, and every problem found. */
    public record Read(List<Rule> rules, List<RuleProblem> problems) {
        public Read {
            rules = List.copyOf(rules);
            problems = List.copyOf(problems);
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final List<RuleProblem> problems = new ArrayList<>();
    private final Map<String, Position> ids = new HashMap<>();

    public RuleFiles() {}

    /** Reads every {@code .yaml} and {@code .yml} file under {@code directory}, in path order. */
    public RuleFiles directory(Path directory) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(directory, 8)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(path -> {
                        String name = path.getFileName().toString();
                        return name.endsWith(".yaml") || name.endsWith(".yml");
                    })
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            file(file);
        }
        return this;
    }

    /** Reads one file; one larger than {@link Yaml#MAX_CHARS} or not UTF-8 is a problem, not an exception. */
    public RuleFiles file(Path file) throws IOException {
        String name = file.toString();
        if (Files.size(file) > Yaml.MAX_CHARS) {
            problems.add(new RuleProblem(new Position(name, 1, 1), "larger than " + Yaml.MAX_CHARS + " bytes"));
            return this;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return text(name, in.readAllBytes());
        }
    }

    /** Reads one file's bytes under the name problems give it. */
    public RuleFiles text(String name, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            problems.add(new RuleProblem(new Position(name, 1, 1), "not UTF-8 text"));
            return this;
        }
        Optional<Yaml> root;
        try {
            root = Yaml.parse(name, text);
        } catch (Yaml.YamlException e) {
            problems.add(new RuleProblem(e.position(), String.valueOf(e.getMessage())));
            return this;
        }
        if (root.isEmpty()) {
            problems.add(new RuleProblem(new Position(name, 1, 1), "empty: a rule file holds a 'rules' list"));
            return this;
        }
        if (!(root.get() instanceof Yaml.Mapping top) || !(top.get("rules") instanceof Yaml.Sequence list)) {
            problems.add(new RuleProblem(root.get().position(), "a rule file is a mapping with a 'rules' list"));
            return this;
        }
        for (String key : top.entries().keySet()) {
            if (!key.equals("rules")) {
                problems.add(new RuleProblem(top.entries().get(key).position(), "unknown key '" + key + "'"));
            }
        }
        for (Yaml item : list.items()) {
            Rule rule = rule(item);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return this;
    }

    public Read read() {
        return new Read(rules, problems);
    }

    private @Nullable Rule rule(Yaml item) {
        if (!(item instanceof Yaml.Mapping map)) {
            problems.add(new RuleProblem(item.position(), "a rule is a mapping with id, title, severity, check"));
            return null;
        }
        int before = problems.size();
        for (Map.Entry<String, Yaml> entry : map.entries().entrySet()) {
            if (!RULE_KEYS.contains(entry.getKey())) {
                problems.add(new RuleProblem(
                        entry.getValue().position(),
                        "unknown key '" + entry.getKey() + "' (a rule has " + String.join(", ", sorted(RULE_KEYS))
                                + ")"));
            }
        }
        String id = required(map, "id");
        if (id != null && !ID.matcher(id).matches()) {
            problems.add(new RuleProblem(
                    position(map, "id"), "id '" + id + "' is not lower-case letters, digits, '.', '_' and '-'"));
        }
        if (id != null && ID.matcher(id).matches()) {
            Position first = ids.putIfAbsent(id, position(map, "id"));
            if (first != null) {
                problems.add(new RuleProblem(position(map, "id"), "rule id '" + id + "' is already used at " + first));
            }
        }
        String title = required(map, "title");
        Severity severity = severity(map);
        List<String> types = strings(map, "resource_types");
        if (map.get("resource_types") != null && types.isEmpty()) {
            problems.add(new RuleProblem(position(map, "resource_types"), "resource_types names no type"));
        } else if (map.get("resource_types") == null) {
            problems.add(new RuleProblem(map.position(), "missing 'resource_types'"));
        }
        List<String> names = strings(map, "resource_names");
        Expression check = expression(map, "check", true);
        Expression applies = expression(map, "applies", false);
        Remediation remediation = remediation(map.get("remediation"));
        Map<String, List<String>> frameworks = frameworks(map.get("frameworks"));
        List<Example> examples = examples(map.get("examples"));
        String rationale = optional(map, "rationale");
        String expected = optional(map, "expected");
        List<String> references = strings(map, "references");
        if (problems.size() > before || id == null || title == null || severity == null || check == null) {
            return null;
        }
        return new Rule(
                id,
                title,
                severity,
                types,
                names,
                rationale,
                remediation,
                references,
                frameworks,
                applies,
                check,
                expected.isEmpty() ? title : expected,
                examples,
                map.position());
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private static Position position(Yaml.Mapping map, String key) {
        Yaml value = map.get(key);
        return value == null ? map.position() : value.position();
    }

    private @Nullable String required(Yaml.Mapping map, String key) {
        Yaml value = map.get(key);
        if (value == null) {
            problems.add(new RuleProblem(map.position(), "missing '" + key + "'"));
            return null;
        }
        if (!(value instanceof Yaml.Scalar scalar) || scalar.value().isBlank()) {
            problems.add(new RuleProblem(value.position(), "'" + key + "' is not a text"));
            return null;
        }
        return scalar.value().strip();
    }

    private String optional(Yaml.Mapping map, String key) {
        Yaml value = map.get(key);
        if (value == null) {
            return "";
        }
        if (!(value instanceof Yaml.Scalar scalar)) {
            problems.add(new RuleProblem(value.position(), "'" + key + "' is not a text"));
            return "";
        }
        return scalar.value().strip();
    }

    private @Nullable Severity severity(Yaml.Mapping map) {
        String text = required(map, "severity");
        if (text == null) {
            return null;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "low" -> Severity.LOW;
            case "medium" -> Severity.MEDIUM;
            case "high" -> Severity.HIGH;
            case "critical" -> Severity.CRITICAL;
            case "info", "informational" -> Severity.NEGLIGIBLE;
            default -> {
                problems.add(new RuleProblem(
                        position(map, "severity"),
                        "severity '" + text + "' is not one of info, low, medium, high, critical"));
                yield null;
            }
        };
    }

    private List<String> strings(Yaml.Mapping map, String key) {
        Yaml value = map.get(key);
        return value == null ? List.of() : strings(key, value);
    }

    private List<String> strings(String key, Yaml value) {
        if (value instanceof Yaml.Scalar scalar) {
            return List.of(scalar.value().strip());
        }
        if (!(value instanceof Yaml.Sequence sequence)) {
            problems.add(new RuleProblem(value.position(), "'" + key + "' is not a list of texts"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Yaml item : sequence.items()) {
            if (item instanceof Yaml.Scalar scalar && !scalar.value().isBlank()) {
                out.add(scalar.value().strip());
            } else {
                problems.add(new RuleProblem(item.position(), "'" + key + "' holds something that is not a text"));
            }
        }
        return out;
    }

    private @Nullable Expression expression(Yaml.Mapping map, String key, boolean needed) {
        Yaml value = map.get(key);
        if (value == null) {
            if (needed) {
                problems.add(new RuleProblem(map.position(), "missing '" + key + "' (a CEL expression)"));
            }
            return null;
        }
        if (!(value instanceof Yaml.Scalar scalar) || scalar.value().isBlank()) {
            problems.add(new RuleProblem(value.position(), "'" + key + "' is not a CEL expression"));
            return null;
        }
        return new Expression(scalar.value(), scalar.content());
    }

    private Remediation remediation(@Nullable Yaml value) {
        if (value == null) {
            return Remediation.NONE;
        }
        if (value instanceof Yaml.Scalar scalar) {
            return new Remediation(scalar.value().strip(), "", "", "", "");
        }
        if (!(value instanceof Yaml.Mapping map)) {
            problems.add(
                    new RuleProblem(value.position(), "'remediation' is a text or a mapping of " + REMEDIATION_KEYS));
            return Remediation.NONE;
        }
        for (Map.Entry<String, Yaml> entry : map.entries().entrySet()) {
            if (!REMEDIATION_KEYS.contains(entry.getKey())) {
                problems.add(new RuleProblem(
                        entry.getValue().position(),
                        "unknown key '" + entry.getKey() + "' (remediation has "
                                + String.join(", ", sorted(REMEDIATION_KEYS)) + ")"));
            }
        }
        return new Remediation(
                optional(map, "text"),
                optional(map, "shell"),
                optional(map, "terraform"),
                optional(map, "cloudformation"),
                optional(map, "kubectl"));
    }

    private Map<String, List<String>> frameworks(@Nullable Yaml value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Yaml.Mapping map)) {
            problems.add(new RuleProblem(
                    value.position(),
                    "'frameworks' maps a framework id to its requirement ids (cis-docker-1.6: [5.4])"));
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        map.entries().forEach((framework, requirements) -> out.put(framework, strings(framework, requirements)));
        return out;
    }

    private List<Example> examples(@Nullable Yaml value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof Yaml.Mapping map)) {
            problems.add(new RuleProblem(value.position(), "'examples' has lists under pass, fail, unknown, skipped"));
            return List.of();
        }
        List<Example> out = new ArrayList<>();
        for (Map.Entry<String, Yaml> entry : map.entries().entrySet()) {
            Expect expect = switch (entry.getKey()) {
                case "pass" -> Expect.PASS;
                case "fail" -> Expect.FAIL;
                case "unknown" -> Expect.UNKNOWN;
                case "skipped" -> Expect.SKIPPED;
                default -> null;
            };
            if (expect == null || !(entry.getValue() instanceof Yaml.Sequence list)) {
                problems.add(new RuleProblem(
                        entry.getValue().position(),
                        expect == null
                                ? "unknown key '" + entry.getKey() + "' (examples has pass, fail, unknown, skipped)"
                                : "'" + entry.getKey() + "' is a list of resources"));
                continue;
            }
            for (Yaml item : list.items()) {
                if (!(item instanceof Yaml.Mapping resource)) {
                    problems.add(new RuleProblem(item.position(), "an example is a mapping of a resource's values"));
                    continue;
                }
                Map<String, Object> attributes = new LinkedHashMap<>();
                Map<String, Object> related = new LinkedHashMap<>();
                for (Map.Entry<String, Yaml> field : resource.entries().entrySet()) {
                    if (field.getKey().equals(RELATED_KEY)) {
                        Object kinds = value(field.getValue());
                        if (kinds instanceof Map<?, ?> byKind) {
                            byKind.forEach((kind, targets) -> related.put(
                                    String.valueOf(kind), targets instanceof List<?> ? targets : List.of(targets)));
                        } else {
                            problems.add(new RuleProblem(
                                    field.getValue().position(), "_related maps a relation to a list of resources"));
                        }
                    } else {
                        attributes.put(field.getKey(), value(field.getValue()));
                    }
                }
                out.add(new Example(expect, attributes, related, item.position()));
            }
        }
        return out;
    }

    /** A YAML value as a resource attribute: YAML's resolved types, {@code !unknown} as {@link Unknown}. */
    static @Nullable Object value(Yaml yaml) {
        return switch (yaml) {
            case Yaml.Mapping map -> {
                Map<String, @Nullable Object> out = new LinkedHashMap<>();
                map.entries().forEach((key, item) -> out.put(key, value(item)));
                yield out;
            }
            case Yaml.Sequence list -> {
                List<@Nullable Object> out = new ArrayList<>();
                list.items().forEach(item -> out.add(value(item)));
                yield out;
            }
            case Yaml.Scalar scalar -> scalar(scalar);
        };
    }

    private static @Nullable Object scalar(Yaml.Scalar scalar) {
        String text = scalar.value();
        try {
            return switch (scalar.tag()) {
                case UNKNOWN_TAG -> Unknown.VALUE;
                case "tag:yaml.org,2002:null" -> null;
                case "tag:yaml.org,2002:bool" -> text.equalsIgnoreCase("true");
                case "tag:yaml.org,2002:int" -> integer(text);
                case "tag:yaml.org,2002:float" ->
                    Double.parseDouble(text.replace(".inf", "Infinity")
                            .replace(".Inf", "Infinity")
                            .replace(".nan", "NaN")
                            .replace(".NaN", "NaN"));
                default -> text;
            };
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static Object integer(String text) {
        String digits = text.startsWith("+") ? text.substring(1) : text;
        if (digits.startsWith("0o")) {
            return Long.parseLong(digits.substring(2), 8);
        }
        if (digits.startsWith("0x")) {
            return Long.parseLong(digits.substring(2), 16);
        }
        return Long.parseLong(digits);
    }
}
