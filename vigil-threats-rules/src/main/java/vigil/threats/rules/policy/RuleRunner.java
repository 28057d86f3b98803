package vigil.threats.rules.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.Compiler;
import vigil.threats.rules.engine.Partial;
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
    private final Map<String, Indexed> byType = new HashMap<>();
    /** Reused for every event: the indexes of the rules to run (the runner is used by one thread). */
    private final int[] candidates;

    /** When each rule with an {@code every} last raised a signal (nanoseconds, the events' clock). */
    private final Map<String, Long> lastSignal = new HashMap<>();

    private final VariableStore variables;

    /** A rule's variant for one event type; its actions as an array (walked for every match, without an iterator). */
    private static final class Entry {
        final RuleSet.Loaded rule;
        final Compiler.Compiled variant;
        /** The variant's evaluator, read once here rather than through the record for every candidate. */
        final vigil.threats.rules.engine.Evaluator evaluator;

        final RuleSet.CompiledAction[] actions;

        Entry(RuleSet.Loaded rule, Compiler.Compiled variant) {
            this.rule = rule;
            this.variant = variant;
            this.evaluator = variant.evaluator();
            this.actions = rule.actions().toArray(RuleSet.CompiledAction[]::new);
        }

        Compiler.Compiled variant() {
            return variant;
        }
    }

    /** The rules of one event type, in the index's order, and the index's scratch marks. */
    private record Indexed(RuleIndex<Entry> index, Entry[] entries, long[] marks) {}

    /** The last event type looked up, by identity: a sensor's events share their type's string. */
    private @Nullable String lastType;

    private @Nullable Indexed lastIndexed;

    /** A rule that matched: which, whether it raises a signal, and the values that decided. */
    public record Match(
            String ruleId, boolean signal, String eventType, Map<String, String> values, List<String> actions) {}

    /**
     * Told of each match as it happens, after the rule's actions ran: what a sensor's signal pipeline reads, with
     * nothing allocated for the matches it drops (rate-limited, silent). {@link #values} gives the values that
     * decided when a signal is made.
     */
    @FunctionalInterface
    public interface MatchSink {
        void matched(RuleSet.Loaded rule, Compiler.Compiled variant, boolean signal, Event event);
    }

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
            RuleIndex<Entry> index = new RuleIndex<>(type.getValue(), Entry::variant);
            byType.put(type.getKey(), new Indexed(index, type.getValue().toArray(Entry[]::new), index.newMarks()));
            largest = Math.max(largest, type.getValue().size());
        }
        candidates = new int[largest];
    }

    /**
     * Whether {@code action}'s filter holds for {@code event} with the variables as they are now: what a sensor asks
     * before it carries out a {@code kill} or {@code hash} the runner only reports.
     */
    public boolean applies(RuleSet.CompiledAction action, Event event) {
        return action.filter().matches(event, variables);
    }

    /** The rules {@code event} matches, each with the values that decided and the actions it ran. */
    public List<Match> evaluate(Event event) {
        List<Match> matches = new ArrayList<>(0);
        run(event, null, matches);
        return matches;
    }

    /**
     * Whether {@code event}'s value of {@code field} is a discarder: no rule of its type can match an event with that
     * value, whatever its other fields and the variables ({@link vigil.threats.rules.engine.Partial}). A sensor may
     * then drop such events before they reach the rules, until the rules change. An event type no rule is about
     * discards every value.
     */
    public boolean isDiscarder(Event event, String field) {
        Indexed indexed = byType.get(event.type());
        if (indexed == null) {
            return true;
        }
        for (int i = 0; i < indexed.index().size(); i++) {
            Entry entry = indexed.index().item(i);
            if (entry.variant.partial().eval(event, field) != Partial.Answer.FALSE) {
                return false;
            }
        }
        return true;
    }

    /** Runs the rules for {@code event}, telling {@code sink} of each match; returns how many matched. */
    public int evaluate(Event event, MatchSink sink) {
        return run(event, sink, null);
    }

    private int run(Event event, @Nullable MatchSink sink, @Nullable List<Match> out) {
        String type = event.type();
        Indexed indexed;
        if (type == lastType) {
            indexed = lastIndexed;
        } else {
            indexed = byType.get(type);
            lastType = type;
            lastIndexed = indexed;
        }
        if (indexed == null) {
            return 0;
        }
        int count = indexed.index().candidates(event, indexed.marks(), candidates);
        Entry[] entries = indexed.entries();
        int matched = 0;
        for (int c = 0; c < count; c++) {
            Entry entry = entries[candidates[c]];
            if (!entry.evaluator.matches(event, variables)) {
                continue;
            }
            matched++;
            List<String> done = out == null ? null : new ArrayList<>();
            for (RuleSet.CompiledAction action : entry.actions) {
                if (!action.filter().matches(event, variables)) {
                    continue;
                }
                switch (action.action()) {
                    case Definitions.Set set -> {
                        Object value =
                                action.value() != null ? action.value().read(event, variables) : action.constant();
                        if (value != null) {
                            variables.set(set.set(), value, event);
                            if (done != null) {
                                done.add("set " + set.set().qualifiedName());
                            }
                        }
                    }
                    // Vigil's rule engine reports what a sensor would do; it kills nothing itself
                    case Definitions.Kill kill -> {
                        if (done != null) {
                            done.add("kill " + kill.signal() + " (" + kill.scope() + ")");
                        }
                    }
                    case Definitions.Hash hash -> {
                        if (done != null) {
                            done.add("hash");
                        }
                    }
                    case Definitions.Other other -> {
                        if (done != null) {
                            done.add(other.kind() + " (not run)");
                        }
                    }
                }
            }
            boolean signal = !entry.rule.definition().silent() && due(entry.rule.definition(), event);
            if (sink != null) {
                sink.matched(entry.rule, entry.variant, signal, event);
            }
            if (out != null && done != null) {
                out.add(new Match(entry.rule.id(), signal, event.type(), values(entry.variant, event), done));
            }
        }
        return matched;
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

    /** The values of the fields a rule read, for an event it matched. */
    public Map<String, String> values(Compiler.Compiled variant, Event event) {
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
