package vigil.threats.rules.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.Field;

/**
 * The rules of one event type, indexed by their {@link Approver}s: for an event, the rules one of whose approver's
 * conditions its values meet, and the rules without an approver, in their order. A rule whose approver fails is
 * never run: every match meets it. Per field, values are found by hashing, integers by binary search, and patterns
 * by their literal start (a character tree walked along the value) or end (a tree walked backwards), so the cost of
 * an event grows with its values, not with the number of rules; what a string value approves is remembered for the
 * next events with that value. It allocates nothing per event, and serves one thread.
 */
public final class RuleIndex<T> {
    private final List<T> items;
    private final long[] always;
    private final FieldIndex[] fields;

    public RuleIndex(List<T> items, Function<T, Compiler.Compiled> compiled) {
        this.items = List.copyOf(items);
        this.always = new long[words(items.size())];
        Map<Integer, FieldIndex.Builder> byField = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Approver approver = compiled.apply(items.get(i)).approver();
            if (approver == null) {
                always[i >>> 6] |= 1L << i;
                continue;
            }
            for (Approver.Atom atom : approver.atoms()) {
                byField.computeIfAbsent(atom.field().slot(), slot -> new FieldIndex.Builder(atom.field()))
                        .add(atom, i);
            }
        }
        // by slot: an event's fields are walked beside them in the same order (candidates)
        this.fields = byField.values().stream()
                .map(b -> b.build(always.length))
                .sorted(java.util.Comparator.comparingInt(field -> field.slot))
                .toArray(FieldIndex[]::new);
    }

    /** How many rules the index holds. */
    public int size() {
        return items.size();
    }

    /** How many it runs for every event (no approver). */
    public int unapproved() {
        return count(always);
    }

    private static int count(long[] words) {
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        return count;
    }

    public T item(int index) {
        return items.get(index);
    }

    /** Scratch for {@link #candidates}: one per thread. */
    public long[] newMarks() {
        return new long[always.length];
    }

    /**
     * The indexes of the rules to run for {@code event}, in their order, into {@code out} (at least {@link #size()}
     * long); {@code marks} is scratch from {@link #newMarks()}. Returns how many.
     */
    public int candidates(Event event, long[] marks, int[] out) {
        System.arraycopy(always, 0, marks, 0, always.length);
        // the event's fields and the index's, both by increasing slot, walked together: no look-up per field
        int present = event.fieldCount();
        int at = 0;
        for (FieldIndex field : fields) {
            int slot = field.slot;
            while (at < present && event.slotAt(at) < slot) {
                at++;
            }
            field.mark(at < present && event.slotAt(at) == slot ? event.valueOfField(at) : null, marks);
        }
        int count = 0;
        for (int w = 0; w < marks.length; w++) {
            long word = marks[w];
            while (word != 0) {
                out[count++] = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return count;
    }

    /** Slots of each string field's memo of recent values (a power of two). */
    static final int MEMO = 512;

    private static int words(int bits) {
        return (bits + 63) >>> 6;
    }

    static void mark(long[] marks, int rule) {
        marks[rule >>> 6] |= 1L << rule;
    }

    static boolean marked(long[] marks, int rule) {
        return (marks[rule >>> 6] & 1L << rule) != 0;
    }

    static void markAll(long[] marks, int[] rules) {
        for (int rule : rules) {
            marks[rule >>> 6] |= 1L << rule;
        }
    }

    /** The conditions on one field, of every rule. */
    private static final class FieldIndex {
        private static final String[] NO_STRINGS = {};
        private static final String[] EMPTY_STRING = {""};
        private static final long[] NO_LONGS = {};
        private static final long[] ZERO = {0};
        private static final int[] NO_RULES = {};

        final int slot;
        final boolean multiple;
        final boolean ignoreCase;
        final Map<String, int[]> values;
        final PatternTree prefixes;
        final PatternTree suffixes;
        final Pattern[] others;
        final long[] ints;
        final int[][] intRules;
        final long[] masks;
        final int[] maskRules;
        final int[] whenTrue;
        final int[] whenNotZero;

        /** What an absent value approves: the same for every event, found once. */
        final long[] absent;

        final boolean absentApproves;

        /**
         * What recent string values approved, by their hash (direct-mapped, overwritten in place): events repeat
         * their binaries, files and names, and a value's approval never changes. Makes the index stateful: one
         * thread per index.
         */
        private final @Nullable String[] memoKeys = new String[MEMO];

        /** What each memo slot's value approved: {@code words} longs per slot, in one array (no pointer per slot). */
        private final long[] memoMarks;

        private final int words;

        /** Where a value's approval is made before it is kept in the memo. */
        private final long[] scratch;

        FieldIndex(Builder b, int words) {
            this.slot = b.field.slot();
            this.multiple = b.field.multiple();
            this.ignoreCase = b.ignoreCase;
            this.values = Map.copyOf(b.values.entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> ints(e.getValue()))));
            this.prefixes = PatternTree.of(b.patterns, false, b.ignoreCase);
            this.suffixes = PatternTree.of(b.patterns, true, b.ignoreCase);
            this.others = b.patterns.stream()
                    .filter(p -> p.prefix().isEmpty() && p.suffix().isEmpty())
                    .toArray(Pattern[]::new);
            this.ints = b.ints.keySet().stream().mapToLong(Long::longValue).toArray();
            this.intRules = b.ints.values().stream().map(FieldIndex::ints).toArray(int[][]::new);
            this.masks = b.masks.stream().mapToLong(m -> m[0]).toArray();
            this.maskRules = b.masks.stream().mapToInt(m -> (int) m[1]).toArray();
            this.whenTrue = ints(b.whenTrue);
            this.whenNotZero = ints(b.whenNotZero);
            this.words = words;
            this.memoMarks = new long[b.field.type() == vigil.threats.rules.event.FieldType.STRING ? MEMO * words : 0];
            this.absent = new long[words];
            this.scratch = new long[words];
            // an absent field reads as its zero value when it holds one value, as nothing when it holds several
            for (String one : multiple ? NO_STRINGS : EMPTY_STRING) {
                approveString(one, absent);
            }
            markInts(multiple ? NO_LONGS : ZERO, absent);
            this.absentApproves = Arrays.stream(absent).anyMatch(word -> word != 0);
        }

        private static int[] ints(List<Integer> list) {
            return list.isEmpty()
                    ? NO_RULES
                    : list.stream().mapToInt(Integer::intValue).toArray();
        }

        void mark(@Nullable Object value, long[] marks) {
            // instanceof, not a pattern switch: the switch's bootstrap method was a call of its own in every profile
            if (value instanceof String[] strings) {
                for (String one : strings) {
                    markString(one, marks);
                }
            } else if (value instanceof long[] longs) {
                markInts(longs, marks);
            } else if (value instanceof boolean[] bools) {
                markBools(bools, marks);
            } else if (value == null && absentApproves) {
                // an absent field reads as its zero value when it holds one value, as nothing when it holds several
                for (int w = 0; w < marks.length; w++) {
                    marks[w] |= absent[w];
                }
            }
        }

        private void markString(String one, long[] marks) {
            int hash = one.hashCode();
            int at = (hash ^ hash >>> 16) & (MEMO - 1);
            String known = memoKeys[at];
            int base = at * words;
            if (known == null || known != one && !known.equals(one)) {
                approveInto(one, base);
                memoKeys[at] = one;
            }
            long[] approved = memoMarks;
            for (int w = 0; w < words; w++) {
                marks[w] |= approved[base + w];
            }
        }

        /** What {@code one} approves, into its memo slot at {@code base}. */
        private void approveInto(String one, int base) {
            long[] approved = scratch;
            Arrays.fill(approved, 0);
            approveString(one, approved);
            System.arraycopy(approved, 0, memoMarks, base, words);
        }

        /** Marks the rules {@code one} approves: by value, by pattern, by not being empty. */
        private void approveString(String one, long[] marks) {
            if (whenNotZero.length > 0 && !one.isEmpty()) {
                markAll(marks, whenNotZero);
            }
            if (!values.isEmpty()) {
                int[] approved = values.get(ignoreCase ? one.toLowerCase(Locale.ROOT) : one);
                if (approved != null) {
                    markAll(marks, approved);
                }
            }
            prefixes.mark(one, marks);
            suffixes.mark(one, marks);
            for (Pattern pattern : others) {
                pattern.mark(one, marks);
            }
        }

        private void markInts(long[] longs, long[] marks) {
            for (long one : longs) {
                if (whenNotZero.length > 0 && one != 0) {
                    markAll(marks, whenNotZero);
                }
                if (ints.length > 0) {
                    int at = Arrays.binarySearch(ints, one);
                    if (at >= 0) {
                        markAll(marks, intRules[at]);
                    }
                }
                for (int i = 0; i < masks.length; i++) {
                    if ((one & masks[i]) != 0) {
                        RuleIndex.mark(marks, maskRules[i]);
                    }
                }
            }
        }

        private void markBools(boolean[] bools, long[] marks) {
            for (boolean one : bools) {
                if (one) {
                    markAll(marks, whenTrue);
                    return;
                }
            }
        }

        static final class Builder {
            final Field field;
            boolean ignoreCase;
            final Map<String, List<Integer>> values = new HashMap<>();
            final List<Pattern> patterns = new ArrayList<>();
            final TreeMap<Long, List<Integer>> ints = new TreeMap<>();
            final List<long[]> masks = new ArrayList<>();
            final List<Integer> whenTrue = new ArrayList<>();
            final List<Integer> whenNotZero = new ArrayList<>();

            Builder(Field field) {
                this.field = field;
            }

            void add(Approver.Atom atom, int rule) {
                switch (atom) {
                    case Approver.Strings strings -> {
                        ignoreCase |= strings.ignoreCase();
                        for (String value : strings.values()) {
                            addOnce(values.computeIfAbsent(value, v -> new ArrayList<>()), rule);
                        }
                        for (StringMatcher matcher : strings.patterns()) {
                            patterns.add(new Pattern(matcher, rule));
                        }
                    }
                    case Approver.Ints numbers -> {
                        for (long value : numbers.values()) {
                            addOnce(ints.computeIfAbsent(value, v -> new ArrayList<>()), rule);
                        }
                    }
                    case Approver.Flags flags -> masks.add(new long[] {flags.mask(), rule});
                    case Approver.True t -> addOnce(whenTrue, rule);
                    case Approver.NotZero n -> addOnce(whenNotZero, rule);
                }
            }

            private static void addOnce(List<Integer> rules, int rule) {
                if (rules.isEmpty() || rules.getLast() != rule) {
                    rules.add(rule);
                }
            }

            FieldIndex build(int words) {
                return new FieldIndex(this, words);
            }
        }
    }

    /** A pattern of a rule's approver, with the literal start and end every value it matches has. */
    private record Pattern(StringMatcher matcher, int rule, String prefix, String suffix, boolean ignoreCase) {
        Pattern(StringMatcher matcher, int rule) {
            this(matcher, rule, matcher.literalPrefix(), matcher.literalSuffix(), matcher.ignoresCase());
        }

        /** Marks the rule when {@code value} matches: its literal end first, then the matcher itself. */
        void mark(String value, long[] marks) {
            if (!marked(marks, rule)
                    && value.regionMatches(ignoreCase, value.length() - suffix.length(), suffix, 0, suffix.length())
                    && matcher.matches(value)) {
                RuleIndex.mark(marks, rule);
            }
        }
    }

    /**
     * Patterns by their literal start (or, {@code backwards}, by their literal end when they have no literal start):
     * a tree of characters walked along a value reaches exactly the patterns whose literal part the value has.
     */
    private static final class PatternTree {
        private final boolean backwards;
        private final boolean ignoreCase;
        private final Node root;

        private static final class Node {
            char[] keys = new char[0];
            Node[] next = new Node[0];
            Pattern[] patterns = new Pattern[0];

            @Nullable
            Node child(char key) {
                for (int i = 0; i < keys.length; i++) {
                    if (keys[i] == key) {
                        return next[i];
                    }
                }
                return null;
            }

            Node childOrNew(char key) {
                Node found = child(key);
                if (found != null) {
                    return found;
                }
                Node created = new Node();
                keys = Arrays.copyOf(keys, keys.length + 1);
                next = Arrays.copyOf(next, next.length + 1);
                keys[keys.length - 1] = key;
                next[next.length - 1] = created;
                return created;
            }
        }

        private PatternTree(boolean backwards, boolean ignoreCase, Node root) {
            this.backwards = backwards;
            this.ignoreCase = ignoreCase;
            this.root = root;
        }

        static PatternTree of(List<Pattern> patterns, boolean backwards, boolean ignoreCase) {
            Node root = new Node();
            for (Pattern pattern : patterns) {
                String key = backwards ? pattern.suffix() : pattern.prefix();
                if (key.isEmpty() || backwards && !pattern.prefix().isEmpty()) {
                    continue; // in the other tree, or among the patterns run for every value
                }
                Node node = root;
                for (int i = 0; i < key.length(); i++) {
                    char c = key.charAt(backwards ? key.length() - 1 - i : i);
                    node = node.childOrNew(ignoreCase ? Character.toLowerCase(c) : c);
                }
                node.patterns = Arrays.copyOf(node.patterns, node.patterns.length + 1);
                node.patterns[node.patterns.length - 1] = pattern;
            }
            return new PatternTree(backwards, ignoreCase, root);
        }

        void mark(String value, long[] marks) {
            Node node = root;
            int length = value.length();
            for (int i = 0; ; i++) {
                for (Pattern pattern : node.patterns) {
                    pattern.mark(value, marks);
                }
                if (i == length || node.keys.length == 0) {
                    return;
                }
                char c = value.charAt(backwards ? length - 1 - i : i);
                node = node.child(ignoreCase ? Character.toLowerCase(c) : c);
                if (node == null) {
                    return;
                }
            }
        }
    }
}
