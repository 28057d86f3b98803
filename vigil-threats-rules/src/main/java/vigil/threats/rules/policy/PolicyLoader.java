package vigil.threats.rules.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.CompileException;
import vigil.threats.rules.engine.Compiler;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.engine.Evaluator;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.engine.VariableType;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Parser;
import vigil.threats.rules.secl.Pos;
import vigil.threats.rules.secl.SeclSyntaxException;

/**
 * Loads SECL policies into a {@link RuleSet}, as Datadog's agent loads them: files in order, a later file's rule of
 * the same id replacing the earlier one only with {@code combine: override}; macros by id (list macros merge with
 * {@code combine: merge}); each rule's {@code disabled}, {@code filters} and {@code agent_version} checked against
 * this environment; then its expression compiled with the macros and the variables every set action defines. Each
 * rule gets a status and a reason; one rule's error never stops the others.
 */
public final class PolicyLoader {
    private final FieldCatalog catalog;
    private final Constants constants;
    private final Environment environment;
    private final SensorProfile sensor;

    public PolicyLoader(FieldCatalog catalog, Constants constants, Environment environment, SensorProfile sensor) {
        this.catalog = catalog;
        this.constants = constants;
        this.environment = environment;
        this.sensor = sensor;
    }

    /** Built-in variables every rule may read. */
    static final Map<String, VariableType> BUILTINS =
            Map.of("builtins.uuid4", new VariableType(FieldType.STRING, false));

    public RuleSet load(List<PolicyReader.Read> files) {
        List<RuleReport> reports = new ArrayList<>();
        files.forEach(file -> reports.addAll(file.problems()));
        Map<String, Definitions.Macro> macros = macros(files, reports);
        Map<String, Definitions.Rule> rules = rules(files, reports);
        Map<String, Expr> macroTrees = new HashMap<>();
        Map<String, java.util.function.Function<Pos, String>> macroPlaces = new HashMap<>();
        for (Definitions.Macro macro : macros.values()) {
            parseMacro(macro, reports).ifPresent(tree -> macroTrees.put(macro.id(), tree));
            Definitions.Text text = macro.expression();
            if (text != null) {
                macroPlaces.put(macro.id(), text::where);
            }
        }
        Map<String, VariableType> variables = new HashMap<>(BUILTINS);
        List<Definitions.Rule> active = new ArrayList<>();
        for (Definitions.Rule rule : rules.values()) {
            Optional<RuleReport> excluded = excluded(rule);
            if (excluded.isPresent()) {
                reports.add(excluded.get());
            } else {
                active.add(rule);
            }
        }
        // the variables first, from every active rule's set actions: a rule may read one another rule sets, and a
        // set typed only by its expression may read variables other sets define, so the sets are typed in rounds
        // until a round types none
        Map<String, String> variableErrors = new HashMap<>();
        List<Map.Entry<String, Definitions.SetAction>> pending = new ArrayList<>();
        for (Definitions.Rule rule : active) {
            for (Definitions.Action action : rule.actions()) {
                if (action instanceof Definitions.Set set) {
                    pending.add(Map.entry(rule.id(), set.set()));
                }
            }
        }
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            Compiler partial = new Compiler(catalog, constants, macroTrees, variables, macroPlaces);
            List<Map.Entry<String, Definitions.SetAction>> left = new ArrayList<>();
            for (Map.Entry<String, Definitions.SetAction> set : pending) {
                if (defineVariable(set.getValue(), partial, variables).isEmpty()) {
                    progress = true;
                } else {
                    left.add(set);
                }
            }
            pending = left;
        }
        Compiler last = new Compiler(catalog, constants, macroTrees, variables, macroPlaces);
        for (Map.Entry<String, Definitions.SetAction> set : pending) {
            defineVariable(set.getValue(), last, variables)
                    .ifPresent(problem -> variableErrors.putIfAbsent(set.getKey(), problem));
        }
        Compiler compiler = new Compiler(catalog, constants, macroTrees, variables, macroPlaces);
        List<RuleSet.Loaded> loaded = new ArrayList<>();
        for (Definitions.Rule rule : active) {
            String variableError = variableErrors.get(rule.id());
            if (variableError != null) {
                reports.add(report(rule, rule.pos(), RuleStatus.ERROR, variableError));
                continue;
            }
            Outcome outcome = compile(rule, compiler);
            if (outcome.loaded() != null) {
                loaded.add(outcome.loaded());
            }
            reports.add(outcome.report());
        }
        return new RuleSet(order(reports, files), loaded, variables);
    }

    /** A rule compiled, or why not; and its report either way. */
    private record Outcome(RuleSet.@Nullable Loaded loaded, RuleReport report) {}

    private Outcome compile(Definitions.Rule rule, Compiler compiler) {
        Definitions.Text text = rule.expression();
        if (text == null) {
            return new Outcome(null, report(rule, rule.pos(), RuleStatus.ERROR, "a rule needs an expression"));
        }
        List<Compiler.Compiled> variants = new ArrayList<>();
        for (String variant : Fim.expand(text.value())) {
            Expr expr;
            try {
                expr = Parser.parseRule(variant);
            } catch (SeclSyntaxException e) {
                return new Outcome(null, report(rule, text.locate(e.pos()), RuleStatus.ERROR, e.reason()));
            }
            Compiler.Compiled compiled;
            try {
                compiled = compiler.compile(expr);
            } catch (CompileException e) {
                RuleStatus status =
                        e.kind() == CompileException.Kind.UNSUPPORTED ? RuleStatus.UNSUPPORTED : RuleStatus.ERROR;
                return new Outcome(null, report(rule, text.locate(e.pos()), status, String.valueOf(e.getMessage())));
            }
            Optional<String> missing =
                    sensor.missing(compiled.eventType()).map(why -> "event type " + compiled.eventType() + ": " + why);
            for (String field : compiled.fields()) {
                if (missing.isPresent()) {
                    break;
                }
                missing = sensor.missingField(field).map(why -> "field " + field + ": " + why);
            }
            if (missing.isPresent()) {
                return new Outcome(
                        null, report(rule, text.locate(new Pos(1, 1)), RuleStatus.UNSUPPORTED, missing.get()));
            }
            variants.add(compiled);
        }
        List<RuleSet.CompiledAction> actions = new ArrayList<>();
        for (Definitions.Action action : rule.actions()) {
            try {
                actions.add(compileAction(action, compiler));
            } catch (ActionException e) {
                return new Outcome(null, report(rule, e.pos, RuleStatus.ERROR, "action: " + e.getMessage()));
            }
        }
        return new Outcome(
                new RuleSet.Loaded(rule, variants, actions),
                report(rule, rule.pos(), RuleStatus.LOADED, join(notes(rule), notGiven(variants))));
    }

    private static final class ActionException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Pos pos;

        ActionException(Pos pos, String message) {
            super(message);
            this.pos = pos;
        }
    }

    private RuleSet.CompiledAction compileAction(Definitions.Action action, Compiler compiler) throws ActionException {
        Evaluator filter = (event, scope) -> true;
        Definitions.Text filterText = action.filter();
        if (filterText != null) {
            filter = condition(filterText, compiler);
        }
        vigil.threats.rules.engine.ValueReader reader = null;
        Object constant = null;
        if (action instanceof Definitions.Set set) {
            Definitions.SetAction definition = set.set();
            Definitions.Text expression = definition.expression();
            String field = definition.field();
            if (expression != null) {
                try {
                    reader = compiler.compileValue(Parser.parseRule(expression.value()));
                } catch (SeclSyntaxException e) {
                    throw new ActionException(expression.locate(e.pos()), e.reason());
                } catch (CompileException e) {
                    throw new ActionException(expression.locate(e.pos()), String.valueOf(e.getMessage()));
                }
            } else if (field != null) {
                try {
                    reader = compiler.compileValue(new Expr.Ident(field, Pos.NONE));
                } catch (CompileException e) {
                    throw new ActionException(Pos.NONE, "set " + definition.name() + ": " + e.getMessage());
                }
            } else if (definition.value() instanceof Object written) {
                constant = Variables.array(written);
            }
        }
        if (action instanceof Definitions.Kill kill
                && !constants.find(kill.signal()).isPresent()) {
            throw new ActionException(
                    filterText == null ? Pos.NONE : filterText.pos(), "unknown signal " + kill.signal());
        }
        return new RuleSet.CompiledAction(action, filter, reader, constant);
    }

    private Evaluator condition(Definitions.Text text, Compiler compiler) throws ActionException {
        try {
            return compiler.compileCondition(Parser.parseRule(text.value()));
        } catch (SeclSyntaxException e) {
            throw new ActionException(text.locate(e.pos()), e.reason());
        } catch (CompileException e) {
            throw new ActionException(text.locate(e.pos()), String.valueOf(e.getMessage()));
        }
    }

    /** The variable a set action defines, with its type; a problem when it cannot be typed or clashes. */
    private Optional<String> defineVariable(
            Definitions.SetAction set, Compiler partial, Map<String, VariableType> variables) {
        VariableType type;
        if (set.field() != null) {
            Optional<Field> field = catalog.find(set.field());
            if (field.isEmpty()) {
                return Optional.of("set " + set.name() + ": unknown field " + set.field());
            }
            type = new VariableType(field.get().type(), set.append());
        } else if (set.value() != null) {
            type = Variables.typeOf(set.value(), set.append());
        } else if (set.defaultValue() != null) {
            type = Variables.typeOf(set.defaultValue(), set.append());
        } else if (set.expression() != null) {
            try {
                type = new VariableType(
                        partial.compileValue(Parser.parseRule(set.expression().value()))
                                .type(),
                        set.append());
            } catch (SeclSyntaxException | CompileException e) {
                return Optional.of("set " + set.name() + ": " + e.getMessage());
            }
        } else {
            return Optional.of("set " + set.name() + ": no value");
        }
        VariableType before = variables.putIfAbsent(set.qualifiedName(), type);
        if (before != null && !before.equals(type)) {
            // an append to a variable another rule sets once is the same variable, as an array
            if (before.type() == type.type()) {
                variables.put(set.qualifiedName(), new VariableType(type.type(), true));
                return Optional.empty();
            }
            return Optional.of("the variable ${" + set.qualifiedName() + "} is "
                    + before.type().name().toLowerCase(java.util.Locale.ROOT) + " in another rule and "
                    + type.type().name().toLowerCase(java.util.Locale.ROOT) + " here");
        }
        return Optional.empty();
    }

    /** Disabled, filtered out, or needing another agent version: the report that says so. */
    private Optional<RuleReport> excluded(Definitions.Rule rule) {
        if (rule.disabled()) {
            return Optional.of(report(rule, rule.pos(), RuleStatus.DISABLED, "disabled: true"));
        }
        for (Definitions.Text filter : rule.filters()) {
            try {
                if (!filterHolds(filter)) {
                    return Optional.of(report(
                            rule,
                            filter.pos(),
                            RuleStatus.FILTERED,
                            "filter " + oneLine(filter.value()) + " excludes this host (" + environment.os() + ")"));
                }
            } catch (SeclSyntaxException e) {
                return Optional.of(report(rule, filter.locate(e.pos()), RuleStatus.ERROR, "filter: " + e.reason()));
            } catch (CompileException e) {
                return Optional.of(report(rule, filter.locate(e.pos()), RuleStatus.ERROR, "filter: " + e.getMessage()));
            }
        }
        String version = rule.agentVersion();
        if (version != null) {
            try {
                if (!AgentVersions.satisfies(version, environment.agentVersion())) {
                    return Optional.of(report(
                            rule,
                            rule.pos(),
                            RuleStatus.FILTERED,
                            "agent_version " + version.trim() + ": Vigil implements the SECL of agent "
                                    + environment.agentVersion()));
                }
            } catch (IllegalArgumentException e) {
                return Optional.of(report(rule, rule.pos(), RuleStatus.ERROR, "agent_version: " + e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private boolean filterHolds(Definitions.Text filter) throws SeclSyntaxException, CompileException {
        FieldCatalog filters = Environment.filterCatalog();
        Compiler compiler = new Compiler(filters, constants, Map.of(), Map.of());
        Evaluator evaluator = compiler.compileCondition(Parser.parseRule(filter.value()));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("os", environment.os());
        values.put("os.id", environment.osId());
        values.put("os.version_id", environment.osVersion());
        values.put("kernel.version.major", java.math.BigInteger.valueOf(environment.kernelMajor()));
        values.put("kernel.version.minor", java.math.BigInteger.valueOf(environment.kernelMinor()));
        values.put("kernel.version.patch", java.math.BigInteger.valueOf(environment.kernelPatch()));
        values.put("origin", "ebpf");
        try {
            Event host = new EventBuilder(filters).build("filter", values);
            return evaluator.matches(host, Scope.EMPTY);
        } catch (EventBuilder.EventFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Expr> parseMacro(Definitions.Macro macro, List<RuleReport> reports) {
        Definitions.Text text = macro.expression();
        if (text == null) {
            List<Expr> members = new ArrayList<>();
            macro.values().forEach(value -> members.add(new Expr.StringLit(value, macro.pos())));
            return Optional.of(new Expr.ArrayLit(members, macro.pos()));
        }
        try {
            return Optional.of(Parser.parseMacro(text.value()));
        } catch (SeclSyntaxException e) {
            Pos at = text.locate(e.pos());
            reports.add(new RuleReport(
                    "macro " + macro.id(),
                    macro.file() + ":" + at.line() + ":" + at.column(),
                    RuleStatus.ERROR,
                    e.reason()));
            return Optional.empty();
        }
    }

    /** Macros by id, later files merging or overriding; filtered-out macros left out. */
    private Map<String, Definitions.Macro> macros(List<PolicyReader.Read> files, List<RuleReport> reports) {
        Map<String, Definitions.Macro> macros = new LinkedHashMap<>();
        for (PolicyReader.Read file : files) {
            for (Definitions.Macro macro : file.macros()) {
                if (!macroApplies(macro, reports)) {
                    continue;
                }
                Definitions.Macro before = macros.get(macro.id());
                if (before == null) {
                    macros.put(macro.id(), macro);
                } else if ("merge".equals(macro.combine())
                        && !before.values().isEmpty()
                        && !macro.values().isEmpty()) {
                    List<String> values = new ArrayList<>(before.values());
                    values.addAll(macro.values());
                    macros.put(
                            macro.id(),
                            new Definitions.Macro(
                                    macro.id(),
                                    null,
                                    values,
                                    macro.filters(),
                                    macro.agentVersion(),
                                    macro.combine(),
                                    macro.file(),
                                    macro.pos()));
                } else if ("override".equals(macro.combine())) {
                    macros.put(macro.id(), macro);
                } else {
                    reports.add(new RuleReport(
                            "macro " + macro.id(),
                            macro.file() + ":" + macro.pos().line() + ":"
                                    + macro.pos().column(),
                            RuleStatus.ERROR,
                            "the macro " + macro.id() + " is defined again (first in " + before.file()
                                    + "); use combine: merge or combine: override"));
                }
            }
        }
        return macros;
    }

    private boolean macroApplies(Definitions.Macro macro, List<RuleReport> reports) {
        try {
            for (Definitions.Text filter : macro.filters()) {
                if (!filterHolds(filter)) {
                    return false;
                }
            }
            return macro.agentVersion() == null
                    || AgentVersions.satisfies(macro.agentVersion(), environment.agentVersion());
        } catch (SeclSyntaxException | CompileException | IllegalArgumentException e) {
            reports.add(new RuleReport(
                    "macro " + macro.id(),
                    macro.file() + ":" + macro.pos().line() + ":" + macro.pos().column(),
                    RuleStatus.ERROR,
                    "filter: " + e.getMessage()));
            return false;
        }
    }

    /** Rules by id in file order; a later one replaces an earlier one only with {@code combine: override}. */
    private static Map<String, Definitions.Rule> rules(List<PolicyReader.Read> files, List<RuleReport> reports) {
        Map<String, Definitions.Rule> rules = new LinkedHashMap<>();
        for (PolicyReader.Read file : files) {
            for (Definitions.Rule rule : file.rules()) {
                Definitions.Rule before = rules.get(rule.id());
                if (before == null) {
                    rules.put(rule.id(), rule);
                } else if ("override".equals(rule.combine())) {
                    rules.put(rule.id(), Overrides.apply(before, rule));
                } else {
                    reports.add(report(
                            rule,
                            rule.pos(),
                            RuleStatus.ERROR,
                            "the rule " + rule.id() + " is defined again (first in " + before.file() + ":"
                                    + before.pos().line() + "); use combine: override to replace it"));
                }
            }
        }
        return rules;
    }

    private static RuleReport report(Definitions.Rule rule, Pos pos, RuleStatus status, String reason) {
        return new RuleReport(rule.id(), rule.file() + ":" + pos.line() + ":" + pos.column(), status, reason);
    }

    /** The fields the rule reads that the sensor leaves empty, named: the rule loads, and reads them as empty or 0. */
    private String notGiven(List<Compiler.Compiled> variants) {
        java.util.Set<String> fields = new java.util.TreeSet<>();
        for (Compiler.Compiled variant : variants) {
            for (String field : variant.fields()) {
                sensor.notGiven(field).ifPresent(why -> fields.add(field + " (" + why + ")"));
            }
        }
        return fields.isEmpty()
                ? ""
                : "reads fields the sensor leaves empty, so they read as empty or 0: " + String.join(", ", fields);
    }

    private static String join(String one, String two) {
        return one.isEmpty() ? two : two.isEmpty() ? one : one + "; " + two;
    }

    private static String notes(Definitions.Rule rule) {
        List<String> skipped = rule.actions().stream()
                .filter(action -> action instanceof Definitions.Other)
                .map(action -> ((Definitions.Other) action).kind())
                .toList();
        return skipped.isEmpty() ? "" : "actions not run: " + String.join(", ", skipped);
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }

    /** Reports in the order of the files and positions they name. */
    private static List<RuleReport> order(List<RuleReport> reports, List<PolicyReader.Read> files) {
        List<String> names = files.stream().map(PolicyReader.Read::file).toList();
        return reports.stream()
                .sorted(java.util.Comparator.comparingInt((RuleReport report) -> names.indexOf(fileOf(report)))
                        .thenComparingInt(report -> lineOf(report)))
                .toList();
    }

    private static String fileOf(RuleReport report) {
        String source = report.source();
        int second = source.lastIndexOf(':', source.lastIndexOf(':') - 1);
        return second < 0 ? source : source.substring(0, second);
    }

    private static int lineOf(RuleReport report) {
        String[] parts = report.source().split(":");
        try {
            return parts.length >= 2 ? Integer.parseInt(parts[parts.length - 2]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
