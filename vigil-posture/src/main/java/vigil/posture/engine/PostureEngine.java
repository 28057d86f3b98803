package vigil.posture.engine;

import com.google.common.collect.ImmutableList;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelAttribute;
import dev.cel.runtime.CelAttributePattern;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.PartialVars;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.posture.model.Resource;
import vigil.posture.model.ResourceSet;
import vigil.posture.model.Unknown;
import vigil.posture.model.Values;
import vigil.posture.rule.Rule;
import vigil.posture.rule.RuleProblem;

/**
 * Posture rules compiled once and evaluated over resources. Each rule's CEL sees {@code resource} (the resource's
 * attributes) and {@code related} (relation kind to the related resources' attributes), CEL's standard macros,
 * string functions, optional values ({@code resource.?a.orValue(x)}) and {@link PostureFunctions}. A rule is evaluated
 * only on the resource types it names. Thread-safe: evaluation keeps no state between calls.
 */
public final class PostureEngine {
    static final String RESOURCE = "resource";
    static final String RELATED = "related";

    private static final int MAX_PATHS = 32;
    private static final int MAX_VALUES_PER_PATH = 4;
    private static final int MAX_VALUE_TEXT = 200;

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar(RESOURCE, MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar(RELATED, MapType.create(SimpleType.STRING, ListType.create(SimpleType.DYN)))
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings(), CelExtensions.optional())
            .addFunctionDeclarations(PostureFunctions.declarations())
            .build();
    private static final CelRuntime RUNTIME = runtime(false);
    private static final CelRuntime PARTIAL_RUNTIME = runtime(true);

    private final List<Compiled> rules;
    private final Map<String, List<Compiled>> byType = new HashMap<>();

    /** A set of compiled rules, and the problems of those that did not compile (left out). */
    public record Compilation(PostureEngine engine, List<RuleProblem> problems) {
        public Compilation {
            problems = List.copyOf(problems);
        }
    }

    private record Compiled(
            Rule rule,
            CelRuntime.@Nullable Program applies,
            CelRuntime.@Nullable Program partialApplies,
            EvidencePaths.@Nullable Reads appliesReads,
            CelRuntime.Program check,
            CelRuntime.Program partialCheck,
            EvidencePaths.Reads checkReads) {}

    private PostureEngine(List<Compiled> rules) {
        this.rules = List.copyOf(rules);
        for (Compiled compiled : rules) {
            for (String type : compiled.rule().resourceTypes()) {
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(compiled);
            }
        }
    }

    private static CelRuntime runtime(boolean partial) {
        return CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(CelOptions.current().enableUnknownTracking(partial).build())
                .addLibraries(CelExtensions.strings(), CelExtensions.optional())
                .addFunctionBindings(PostureFunctions.bindings())
                .build();
    }

    /** Compiles every rule; one that does not compile is a problem naming the file, line and column. */
    public static Compilation compile(List<Rule> rules) {
        List<Compiled> compiled = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (Rule rule : rules) {
            CelAbstractSyntaxTree check = ast(rule, rule.check(), "check", problems);
            CelAbstractSyntaxTree applies =
                    rule.applies() == null ? null : ast(rule, rule.applies(), "applies", problems);
            if (check == null || (rule.applies() != null && applies == null)) {
                continue;
            }
            try {
                compiled.add(new Compiled(
                        rule,
                        applies == null ? null : RUNTIME.createProgram(applies),
                        applies == null ? null : PARTIAL_RUNTIME.createProgram(applies),
                        applies == null ? null : EvidencePaths.of(applies.getExpr()),
                        RUNTIME.createProgram(check),
                        PARTIAL_RUNTIME.createProgram(check),
                        EvidencePaths.of(check.getExpr())));
            } catch (CelEvaluationException e) {
                problems.add(new RuleProblem(rule.check().start(), "rule " + rule.id() + ": " + e.getMessage()));
            }
        }
        return new Compilation(new PostureEngine(compiled), problems);
    }

    private static @Nullable CelAbstractSyntaxTree ast(
            Rule rule, Rule.Expression expression, String key, List<RuleProblem> problems) {
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(expression.text()).getAst();
            if (!ast.getResultType().equals(SimpleType.BOOL)
                    && !ast.getResultType().equals(SimpleType.DYN)) {
                problems.add(new RuleProblem(
                        expression.start(),
                        "rule " + rule.id() + ": '" + key + "' gives "
                                + ast.getResultType().name() + ", not a bool"));
                return null;
            }
            return ast;
        } catch (CelValidationException e) {
            for (CelIssue issue : e.getErrors()) {
                var location = issue.getSourceLocation();
                problems.add(new RuleProblem(
                        expression.at(location.getLine(), Math.max(0, location.getColumn())),
                        "rule " + rule.id() + ": '" + key + "': " + issue.getMessage()));
            }
            return null;
        }
    }

    public List<Rule> rules() {
        return rules.stream().map(Compiled::rule).toList();
    }

    /** Every rule on every resource of its types, in the set's order and then the rules' order. */
    public List<Result> evaluate(ResourceSet set) {
        List<Result> results = new ArrayList<>();
        for (Resource resource : set.all()) {
            evaluate(set, resource, results::add);
        }
        return results;
    }

    /**
     * The same on {@code threads} threads, each result handed to {@code sink} (called from those threads, so it must
     * be thread-safe) and not kept: a scan of an account with 100,000 resources holds no list of a million results.
     * Resources are split into slices the threads take in turn; the results of one resource come in rule order.
     */
    public void evaluate(ResourceSet set, int threads, java.util.function.Consumer<Result> sink)
            throws InterruptedException {
        List<Resource> resources = List.copyOf(set.all());
        if (threads <= 1 || resources.size() < 64) {
            resources.forEach(resource -> evaluate(set, resource, sink));
            return;
        }
        int slice = 256;
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<@Nullable RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("vigil-posture-" + t).start(() -> {
                try {
                    for (int from; (from = next.getAndAdd(slice)) < resources.size(); ) {
                        for (Resource resource : resources.subList(from, Math.min(resources.size(), from + slice))) {
                            evaluate(set, resource, sink);
                        }
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    private void evaluate(ResourceSet set, Resource resource, java.util.function.Consumer<Result> sink) {
        List<Compiled> applicable = byType.get(resource.type());
        if (applicable == null) {
            return;
        }
        Map<String, Object> related = set.related(resource);
        List<CelAttributePattern> unknowns = unknownPatterns(resource);
        for (Compiled compiled : applicable) {
            if (compiled.rule().names(resource.name())) {
                sink.accept(evaluate(compiled, resource, related, unknowns));
            }
        }
    }

    /** One rule on one resource, with the related resources given directly (rule examples, tests). */
    public Result evaluate(Rule rule, Resource resource, Map<String, Object> related) {
        for (Compiled compiled : rules) {
            if (compiled.rule().equals(rule)) {
                return evaluate(compiled, resource, Values.map(related), unknownPatterns(resource));
            }
        }
        throw new IllegalArgumentException("rule " + rule.id() + " is not one of this engine's");
    }

    private static Result evaluate(
            Compiled compiled, Resource resource, Map<String, Object> related, List<CelAttributePattern> unknowns) {
        Map<String, Object> variables = Map.of(RESOURCE, resource.attributes(), RELATED, related);
        Recorder recorder = new Recorder();
        if (compiled.applies() != null && compiled.appliesReads() != null && compiled.partialApplies() != null) {
            Outcome applies = run(
                    compiled.applies(),
                    compiled.partialApplies(),
                    compiled.appliesReads(),
                    variables,
                    unknowns,
                    recorder);
            if (applies.status() != Status.PASS) {
                Status status = applies.status() == Status.FAIL ? Status.SKIPPED : applies.status();
                return new Result(compiled.rule(), resource, status, recorder.reads(), applies.detail());
            }
        }
        // what decided the check is what it read; the applies reads only said that the rule applies
        Recorder checked = new Recorder();
        Outcome check =
                run(compiled.check(), compiled.partialCheck(), compiled.checkReads(), variables, unknowns, checked);
        return new Result(compiled.rule(), resource, check.status(), checked.reads(), check.detail());
    }

    private record Outcome(Status status, String detail) {}

    private static Outcome run(
            CelRuntime.Program program,
            CelRuntime.Program partial,
            EvidencePaths.Reads reads,
            Map<String, Object> variables,
            List<CelAttributePattern> unknowns,
            Recorder recorder) {
        recorder.reads = reads;
        Object value;
        try {
            value = unknowns.isEmpty()
                    ? program.trace(variables, recorder::callback)
                    : partial.trace(
                            PartialVars.of(variables, unknowns.toArray(CelAttributePattern[]::new)),
                            recorder::callback);
        } catch (CelEvaluationException e) {
            if (recorder.sawUnknown) {
                return new Outcome(Status.UNKNOWN, "depends on a value known only after apply");
            }
            return new Outcome(Status.ERROR, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            // CEL's runtime throws unchecked errors on some values it cannot handle; a rule error, not a crash
            return new Outcome(Status.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (value instanceof CelUnknownSet || recorder.sawUnknown) {
            return new Outcome(Status.UNKNOWN, "depends on a value known only after apply");
        }
        if (value instanceof Boolean bool) {
            return new Outcome(bool ? Status.PASS : Status.FAIL, "");
        }
        return new Outcome(Status.ERROR, "gave " + Values.text(value, 80) + ", not true or false");
    }

    /** CEL attribute patterns for every {@link Unknown} in a resource's attributes. */
    private static List<CelAttributePattern> unknownPatterns(Resource resource) {
        if (!Values.holdsUnknown(resource.attributes())) {
            return List.of();
        }
        List<CelAttributePattern> patterns = new ArrayList<>();
        List<CelAttribute.Qualifier> path = new ArrayList<>();
        path.add(CelAttribute.Qualifier.ofString(RESOURCE));
        collect(resource.attributes(), path, patterns);
        return patterns;
    }

    private static void collect(
            @Nullable Object value, List<CelAttribute.Qualifier> path, List<CelAttributePattern> patterns) {
        switch (value) {
            case Unknown u -> patterns.add(CelAttributePattern.create(ImmutableList.copyOf(path)));
            case Map<?, ?> map ->
                map.forEach((key, item) -> {
                    path.add(CelAttribute.Qualifier.ofString(String.valueOf(key)));
                    collect(item, path, patterns);
                    path.removeLast();
                });
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    path.add(CelAttribute.Qualifier.ofInt(i));
                    collect(list.get(i), path, patterns);
                    path.removeLast();
                }
            }
            case null, default -> {}
        }
    }

    /** Keeps the values of the expressions that read fields, as the listener reports them. */
    private static final class Recorder {
        private final Map<String, List<String>> values = new LinkedHashMap<>();
        private EvidencePaths.Reads reads = new EvidencePaths.Reads(Map.of(), java.util.Set.of());
        private boolean sawUnknown;

        void callback(dev.cel.common.ast.CelExpr expr, Object value) {
            if (value == Unknown.VALUE) {
                sawUnknown = true;
            }
            String path = reads.paths().get(expr.id());
            if (path == null) {
                return;
            }
            String text;
            if (reads.presence().contains(expr.id())) {
                text = Boolean.TRUE.equals(value) ? "present" : "absent";
            } else if (value instanceof CelUnknownSet || value == Unknown.VALUE) {
                text = Unknown.VALUE.toString();
            } else if (value instanceof Map<?, ?> || (value instanceof List<?> list && !isScalarList(list))) {
                return; // a whole object: its leaves are recorded as the rule reads them
            } else {
                text = Values.text(value, MAX_VALUE_TEXT);
            }
            List<String> seen = values.get(path);
            if (seen == null) {
                if (values.size() >= MAX_PATHS) {
                    return;
                }
                seen = new ArrayList<>();
                values.put(path, seen);
            }
            if (seen.size() < MAX_VALUES_PER_PATH && !seen.contains(text)) {
                seen.add(text);
            }
        }

        private static boolean isScalarList(List<?> list) {
            return list.stream().noneMatch(item -> item instanceof Map<?, ?> || item instanceof List<?>);
        }

        List<FieldRead> reads() {
            List<FieldRead> out = new ArrayList<>();
            values.forEach((path, texts) -> {
                if (texts.size() > 1) {
                    texts.remove("present"); // has(x) then x: its value says more
                }
                out.add(new FieldRead(path, String.join(" | ", texts)));
            });
            return out;
        }
    }
}
