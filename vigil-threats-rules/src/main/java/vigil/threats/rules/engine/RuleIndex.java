package vigil.threats.rules.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vigil.threats.rules.event.Event;

/**
 * The rules of one event type, indexed by their approvers: for an event, the rules whose approver its values meet
 * and the rules without one, in their order. A rule whose approver fails is never run: its approver is a condition
 * every match meets.
 */
public final class RuleIndex<T> {
    private final List<T> items;
    private final int[] always;
    private final List<FieldIndex> fields = new ArrayList<>();

    /** One approver field: rules by the values that approve them, and the rules approved by patterns. */
    private static final class FieldIndex {
        final int slot;
        final boolean ignoreCase;
        final boolean multiple;
        final Map<String, int[]> byValue = new HashMap<>();
        final List<StringMatcher> patterns = new ArrayList<>();
        final List<String> prefixes = new ArrayList<>();
        final List<Integer> patternRules = new ArrayList<>();

        FieldIndex(int slot, boolean ignoreCase, boolean multiple) {
            this.slot = slot;
            this.ignoreCase = ignoreCase;
            this.multiple = multiple;
        }

        void add(String value, int rule) {
            int[] before = byValue.get(value);
            if (before == null) {
                byValue.put(value, new int[] {rule});
            } else if (before[before.length - 1] != rule) {
                int[] grown = java.util.Arrays.copyOf(before, before.length + 1);
                grown[before.length] = rule;
                byValue.put(value, grown);
            }
        }
    }

    public RuleIndex(List<T> items, java.util.function.Function<T, Compiler.Compiled> compiled) {
        this.items = List.copyOf(items);
        List<Integer> unapproved = new ArrayList<>();
        Map<String, FieldIndex> byField = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Compiler.Approver approver = compiled.apply(items.get(i)).approver();
            if (approver == null) {
                unapproved.add(i);
                continue;
            }
            FieldIndex index =
                    byField.computeIfAbsent(approver.field().name() + (approver.ignoreCase() ? "/i" : ""), name -> {
                        FieldIndex created = new FieldIndex(
                                approver.field().slot(),
                                approver.ignoreCase(),
                                approver.field().multiple());
                        fields.add(created);
                        return created;
                    });
            for (String value : approver.values()) {
                index.add(value, i);
            }
            for (StringMatcher pattern : approver.patterns()) {
                index.patterns.add(pattern);
                index.prefixes.add(pattern.literalPrefix());
                index.patternRules.add(i);
            }
        }
        this.always = unapproved.stream().mapToInt(Integer::intValue).toArray();
    }

    /** How many rules the index holds, and how many it runs for every event (no approver). */
    public int size() {
        return items.size();
    }

    public int unapproved() {
        return always.length;
    }

    /** The rules to run for {@code event}, in their order, into {@code out} (cleared first). */
    public void candidates(Event event, boolean[] scratch, List<T> out) {
        out.clear();
        java.util.Arrays.fill(scratch, 0, items.size(), false);
        for (int rule : always) {
            scratch[rule] = true;
        }
        for (FieldIndex index : fields) {
            Object value = event.valueAt(index.slot);
            // an absent field reads as "" when it holds one value, as nothing when it holds several
            String[] values = value instanceof String[] strings ? strings : index.multiple ? NONE : EMPTY_VALUE;
            for (String one : values) {
                int[] approved = index.byValue.get(index.ignoreCase ? one.toLowerCase(java.util.Locale.ROOT) : one);
                if (approved != null) {
                    for (int rule : approved) {
                        scratch[rule] = true;
                    }
                }
                for (int p = 0; p < index.patterns.size(); p++) {
                    int rule = index.patternRules.get(p);
                    // the literal start of the pattern first: most values fail there, for the price of a compare
                    String prefix = index.prefixes.get(p);
                    if (!scratch[rule]
                            && one.regionMatches(index.ignoreCase, 0, prefix, 0, prefix.length())
                            && index.patterns.get(p).matches(one)) {
                        scratch[rule] = true;
                    }
                }
            }
        }
        for (int i = 0; i < items.size(); i++) {
            if (scratch[i]) {
                out.add(items.get(i));
            }
        }
    }

    /** An absent single string field reads as "": the value its approver sees. */
    private static final String[] EMPTY_VALUE = {""};

    private static final String[] NONE = {};
}
