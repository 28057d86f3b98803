package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import vigil.threats.rules.engine.Compiler;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.engine.VariableType;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.IpNet;
import vigil.threats.rules.policy.witness.Witness;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Parser;
import vigil.threats.rules.secl.SeclSyntaxException;

/**
 * Every rule Datadog's default policy loads has a witness: an event (and variables) its compiled evaluator matches,
 * and one it does not. The events are generated from the rule's expression by {@link Witness}, which follows SECL's
 * semantics on its own; the few rules it cannot solve have theirs written by hand in
 * {@code witness/default-policy-events.yaml}.
 */
class DefaultPolicyWitnessTest {
    static final String HAND_WRITTEN = "/witness/default-policy-events.yaml";

    /** The two events of one rule (of one of its variants), with the variables and the clock of each. */
    record Witnessed(String type, Map<String, Object> fields, Map<String, Object> variables, long now) {}

    @Test
    void everyLoadedRuleHasAMatchingAndANonMatchingEvent() throws Exception {
        RuleSet set = DefaultPolicyTest.load(SensorProfile.linuxTracepoints());
        FieldCatalog catalog = FieldCatalog.linux();
        Witness witness = new Witness(catalog, Constants.linux(), macros(), set.variables());
        EventBuilder builder = new EventBuilder(catalog);
        Map<String, Map<String, Witnessed>> hand = handWritten();

        int generated = 0;
        int written = 0;
        List<String> uncovered = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        // the generated events, written under target/ to be read over
        java.nio.file.Path dumpTo = java.nio.file.Path.of("target", "default-policy-witnesses.txt");
        StringBuilder dump = Files.isDirectory(dumpTo.getParent()) ? new StringBuilder() : null;
        for (RuleSet.Loaded rule : set.rules()) {
            Map<String, Witnessed> pair = hand.get(rule.id());
            if (pair != null) {
                written++;
                Compiler.Compiled variant = rule.variants().stream()
                        .filter(v -> v.eventType().equals(pair.get("match").type()))
                        .findFirst()
                        .orElse(rule.variants().getFirst());
                check(rule.id() + " (hand-written)", variant, pair.get("match"), true, builder, set, failures);
                check(rule.id() + " (hand-written)", variant, pair.get("no_match"), false, builder, set, failures);
                continue;
            }
            List<String> texts = Fim.expand(
                    Objects.requireNonNull(rule.definition().expression()).value());
            String unsolved = null;
            List<Witnessed[]> pairs = new ArrayList<>();
            for (int i = 0; i < texts.size() && unsolved == null; i++) {
                Compiler.Compiled variant = rule.variants().get(i);
                try {
                    Expr expr = Parser.parseRule(texts.get(i));
                    var match = witness.solve(expr, true);
                    var miss = witness.nearMiss(expr);
                    if (miss.isEmpty()) {
                        miss = witness.solve(expr, false);
                    }
                    if (match.isEmpty() || miss.isEmpty()) {
                        unsolved = "no " + (match.isEmpty() ? "matching" : "non-matching") + " assignment";
                    } else {
                        pairs.add(new Witnessed[] {
                            witnessed(variant.eventType(), match.get()), witnessed(variant.eventType(), miss.get())
                        });
                    }
                } catch (Witness.Unsolvable e) {
                    unsolved = e.getMessage();
                }
            }
            if (unsolved != null) {
                uncovered.add(rule.id() + ": " + unsolved);
                continue;
            }
            generated++;
            if (dump != null) {
                for (Witnessed[] both : pairs) {
                    dump.append(rule.id()).append("\n  match:    ").append(both[0]);
                    dump.append("\n  no_match: ").append(both[1]).append('\n');
                }
            }
            for (int i = 0; i < pairs.size(); i++) {
                String name = rule.id()
                        + (pairs.size() > 1 ? " [" + rule.variants().get(i).eventType() + "]" : "");
                check(name, rule.variants().get(i), pairs.get(i)[0], true, builder, set, failures);
                check(name, rule.variants().get(i), pairs.get(i)[1], false, builder, set, failures);
            }
        }
        if (dump != null) {
            Files.writeString(dumpTo, dump);
        }
        System.out.println("default.policy witnesses: " + set.rules().size() + " loaded rules, " + generated
                + " generated, " + written + " hand-written, " + uncovered.size() + " not covered");
        uncovered.forEach(line -> System.out.println("  not covered: " + line));
        failures.forEach(line -> System.out.println("  FAILED: " + line));
        assertThat(failures).isEmpty();
        assertThat(uncovered).isEmpty();
        assertThat(generated + written).isEqualTo(set.rules().size());
        assertThat(hand.keySet())
                .allSatisfy(id -> assertThat(set.rules().stream().map(RuleSet.Loaded::id))
                        .as("hand-written rule id is loaded")
                        .contains(id));
    }

    /**
     * A register over an ancestor whose arguments are not at the ancestor's own index: bash (two arguments) then
     * git clone --recursive. As in the reference (process.ancestors[A].argv is the A-th ancestor's argv, a list),
     * the rule matches when the event gives each ancestor's arguments as its own list; the same values given as one
     * flat list pair git with bash's second argument, and it does not.
     */
    @Test
    void aRegisterReadsEachAncestorsOwnArguments() throws Exception {
        RuleSet set = DefaultPolicyTest.load(SensorProfile.linuxTracepoints());
        RuleSet.Loaded rule = set.rules().stream()
                .filter(loaded -> loaded.id().equals("git_cve_2025_48384"))
                .findFirst()
                .orElseThrow();
        EventBuilder builder = new EventBuilder(FieldCatalog.linux());
        Event grouped = builder.build(
                "exec",
                Map.of(
                        "exec.comm", "sh",
                        "process.ancestors.comm", List.of("bash", "git"),
                        "process.ancestors.argv",
                                List.of(
                                        List.of("-c", "make"),
                                        List.of("clone", "--recursive", "https://github.com/a/b")),
                        "process.ancestors.args_flags", List.of(List.of("c"), List.of("recursive"))));
        assertThat(rule.variants().getFirst().evaluator().matches(grouped, Scope.EMPTY))
                .isTrue();
        Event flat = builder.build(
                "exec",
                Map.of(
                        "exec.comm", "sh",
                        "process.ancestors.comm", List.of("bash", "git"),
                        "process.ancestors.argv",
                                List.of("-c", "make", "clone", "--recursive", "https://github.com/a/b"),
                        "process.ancestors.args_flags", List.of("c", "recursive")));
        assertThat(rule.variants().getFirst().evaluator().matches(flat, Scope.EMPTY))
                .isFalse();
        // git's own arguments without the flag: no match
        Event other = builder.build(
                "exec",
                Map.of(
                        "exec.comm", "sh",
                        "process.ancestors.comm", List.of("bash", "git"),
                        "process.ancestors.argv", List.of(List.of("-c", "make"), List.of("clone", "https://x/y")),
                        "process.ancestors.args_flags", List.of(List.of("recursive"), List.<String>of())));
        assertThat(rule.variants().getFirst().evaluator().matches(other, Scope.EMPTY))
                .isFalse();
    }

    private static Witnessed witnessed(String type, Witness.Solution solution) {
        return new Witnessed(type, solution.fields(), solution.variables(), solution.now());
    }

    private static void check(
            String rule,
            Compiler.Compiled variant,
            Witnessed witnessed,
            boolean expected,
            EventBuilder builder,
            RuleSet set,
            List<String> failures) {
        String what = rule + " " + (expected ? "match" : "no_match") + " " + witnessed.fields() + " vars "
                + witnessed.variables();
        try {
            if (!witnessed.type().equals(variant.eventType())) {
                failures.add(what + ": type " + witnessed.type() + ", the rule is about " + variant.eventType());
                return;
            }
            honest(witnessed.fields()).ifPresent(problem -> failures.add(what + ": " + problem));
            Event event = builder.build(witnessed.type(), witnessed.fields());
            Scope scope = scope(witnessed, set.variables());
            if (variant.evaluator().matches(event, scope) != expected) {
                failures.add(what + ": the evaluator says " + !expected);
            }
            if (expected) {
                // the approver index must let every matching event through to its rule
                vigil.threats.rules.engine.RuleIndex<Compiler.Compiled> index =
                        new vigil.threats.rules.engine.RuleIndex<>(List.of(variant), compiled -> compiled);
                if (index.candidates(event, index.newMarks(), new int[1]) == 0) {
                    failures.add(what + ": the approver " + variant.approver() + " skips it");
                }
            }
        } catch (EventBuilder.EventFormatException | RuntimeException e) {
            failures.add(what + ": " + e);
        }
    }

    /** Paths a kernel reports: absolute and clean. */
    private static java.util.Optional<String> honest(Map<String, Object> fields) {
        for (Map.Entry<String, Object> entry : fields.entrySet()) {
            if (!entry.getKey().endsWith(".path")) {
                continue;
            }
            List<?> values = entry.getValue() instanceof List<?> list ? list : List.of(entry.getValue());
            for (Object value : values) {
                String path = String.valueOf(value);
                // empty: a file with no path (memfd_create, anonymous); rules ask for it with == ""
                boolean clean = path.isEmpty()
                        || path.startsWith("/")
                                && (path.equals("/") || !path.endsWith("/"))
                                && java.nio.file.Path.of(path)
                                        .normalize()
                                        .toString()
                                        .equals(path);
                if (!clean) {
                    return java.util.Optional.of(entry.getKey() + " = '" + path + "' is not an absolute clean path");
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static Scope scope(Witnessed witnessed, Map<String, VariableType> types) {
        Map<String, Object> values = new HashMap<>();
        witnessed.variables().forEach((name, value) -> {
            VariableType type = Objects.requireNonNull(types.get(name), () -> "no variable " + name);
            List<?> items = value instanceof List<?> list ? list : List.of(value);
            values.put(
                    name,
                    switch (type.type()) {
                        case STRING -> items.stream().map(String::valueOf).toArray(String[]::new);
                        case INT ->
                            items.stream()
                                    .mapToLong(item -> ((Number) item).longValue())
                                    .toArray();
                        case BOOL -> {
                            boolean[] out = new boolean[items.size()];
                            for (int i = 0; i < out.length; i++) {
                                out[i] = (Boolean) items.get(i);
                            }
                            yield out;
                        }
                        case IP ->
                            items.stream()
                                    .map(item -> IpNet.parse(String.valueOf(item)))
                                    .toArray(IpNet[]::new);
                    });
        });
        long now = witnessed.now();
        return new Scope() {
            @Override
            public @Nullable Object variable(String name, Event event) {
                return values.get(name);
            }

            @Override
            public long now(Event event) {
                return now;
            }
        };
    }

    /** The policy's macros as trees, as the loader reads them (the default policy defines each once). */
    private static Map<String, Expr> macros() throws IOException, SeclSyntaxException {
        PolicyReader.Read read = PolicyReader.read("default.policy", Files.readString(DefaultPolicyTest.POLICY));
        Map<String, Expr> out = new HashMap<>();
        for (Definitions.Macro macro : read.macros()) {
            Definitions.Text text = macro.expression();
            if (text != null) {
                out.put(macro.id(), Parser.parseMacro(text.value()));
            } else {
                List<Expr> members = new ArrayList<>();
                macro.values().forEach(value -> members.add(new Expr.StringLit(value, macro.pos())));
                out.put(macro.id(), new Expr.ArrayLit(members, macro.pos()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Witnessed>> handWritten() throws IOException {
        Map<String, Map<String, Witnessed>> out = new LinkedHashMap<>();
        try (InputStream in = DefaultPolicyWitnessTest.class.getResourceAsStream(HAND_WRITTEN)) {
            if (in == null) {
                return out;
            }
            Object root = new Load(LoadSettings.builder().build())
                    .loadFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (root == null) {
                return out;
            }
            for (Map.Entry<String, Object> rule : ((Map<String, Object>) root).entrySet()) {
                Map<String, Object> pair = (Map<String, Object>) rule.getValue();
                Map<String, Witnessed> events = new LinkedHashMap<>();
                for (String key : List.of("match", "no_match")) {
                    Map<String, Object> event = (Map<String, Object>)
                            Objects.requireNonNull(pair.get(key), () -> rule.getKey() + " has no " + key);
                    Object now = event.getOrDefault("now", Witness.NOW);
                    events.put(
                            key,
                            new Witnessed(
                                    (String) event.get("type"),
                                    (Map<String, Object>) event.getOrDefault("fields", Map.of()),
                                    (Map<String, Object>) event.getOrDefault("variables", Map.of()),
                                    ((Number) now).longValue()));
                }
                out.put(rule.getKey(), events);
            }
        }
        return out;
    }
}
