package vigil.threats.rules.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vigil.threats.rules.engine.Compiler;
import vigil.threats.rules.engine.RuleIndex;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.IpNet;

/**
 * Runs loaded rules over events in order: each event goes to the rules of its type its approvers let through
 * ({@link RuleIndex}), in policy order; a rule that matches runs its set actions (so later events see the
 * variables) and reports the values of the fields it read. One runner serves one thread.
 */
public final class RuleRunner {
    private final FieldCatalog catalog;
    private final Map<String, RuleIndex<Entry>> byType = new HashMap<>();
    /** Reused for every event: the rules to run, and the index's marks (the runner is used by one thread). */
    private final List<Entry> candidates = new ArrayList<>();

    private boolean[] marks = new boolean[0];

    /** When each rule with an {@code every} last raised a signal (nanoseconds, the events' clock). */
    private final Map<String, Long> lastSignal = new HashMap<>();

    private final VariableStore variables;

    private record Entry(RuleSet.Loaded rule, Compiler.Compiled variant) {}

    /** A rule that matched: which, whether it raises a signal, and the values that decided. */
    public record Match(
            String ruleId, boolean signal, String eventType, Map<String, String> values, List<String> actions) {}

    public RuleRunner(RuleSet rules, FieldCatalog catalog) {
        this.catalog = catalog;
        this.variables = new VariableStore(catalog, rules);
        Map<String, List<Entry>> entries = new HashMap<>();
        for (RuleSet.Loaded rule : rules.rules()) {
            for (Compiler.Compiled variant : rule.variants()) {
                entries.computeIfAbsent(variant.eventType(), type -> new ArrayList<>())
                        .add(new Entry(rule, variant));
            }
        }
        int largest = 0;
        for (Map.Entry<String, List<Entry>> type : entries.entrySet()) {
            byType.put(type.getKey(), new RuleIndex<>(type.getValue(), Entry::variant));
            largest = Math.max(largest, type.getValue().size());
        }
        marks = new boolean[largest];
    }

    public List<Match> evaluate(Event event) {
        RuleIndex<Entry> index = byType.get(event.type());
        if (index == null) {
            return List.of();
        }
        index.candidates(event, marks, candidates);
        List<Match> matches = List.of();
        for (Entry entry : candidates) {
            if (!entry.variant().evaluator().matches(event, variables)) {
                continue;
            }
            List<String> done = new ArrayList<>();
            for (RuleSet.CompiledAction action : entry.rule().actions()) {
                if (!action.filter().matches(event, variables)) {
                    continue;
                }
                switch (action.action()) {
                    case Definitions.Set set -> {
                        Object value =
                                action.value() != null ? action.value().read(event, variables) : action.constant();
                        if (value != null) {
                            variables.set(set.set(), value, event);
                            done.add("set " + set.set().qualifiedName());
                        }
                    }
                    // Vigil's rule engine reports what a sensor would do; it kills nothing itself
                    case Definitions.Kill kill -> done.add("kill " + kill.signal() + " (" + kill.scope() + ")");
                    case Definitions.Hash hash -> done.add("hash");
                    case Definitions.Other other -> done.add(other.kind() + " (not run)");
                }
            }
            if (matches.isEmpty()) {
                matches = new ArrayList<>();
            }
            matches.add(new Match(
                    entry.rule().id(),
                    !entry.rule().definition().silent() && due(entry.rule().definition(), event),
                    event.type(),
                    values(entry.variant(), event),
                    done));
        }
        return matches;
    }

    /**
     * Whether a rule with {@code every} may raise a signal now: at most one per interval, as Datadog's agent
     * limits it; the match still runs its actions.
     */
    private boolean due(Definitions.Rule rule, Event event) {
        if (rule.everyNanos() <= 0) {
            return true;
        }
        long now = variables.now(event);
        Long last = lastSignal.get(rule.id());
        if (last != null && now - last < rule.everyNanos()) {
            return false;
        }
        lastSignal.put(rule.id(), now);
        return true;
    }

    private Map<String, String> values(Compiler.Compiled variant, Event event) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : variant.fields()) {
            catalog.find(name).map(event::value).ifPresent(value -> values.put(name, text(value)));
        }
        return values;
    }

    static String text(Object value) {
        return switch (value) {
            case String[] strings ->
                strings.length == 1 ? strings[0] : List.of(strings).toString();
            case long[] longs -> longs.length == 1 ? Long.toString(longs[0]) : java.util.Arrays.toString(longs);
            case boolean[] bools -> bools.length == 1 ? Boolean.toString(bools[0]) : java.util.Arrays.toString(bools);
            case IpNet[] nets ->
                nets.length == 1 ? nets[0].toString() : List.of(nets).toString();
            default -> String.valueOf(value);
        };
    }
}
