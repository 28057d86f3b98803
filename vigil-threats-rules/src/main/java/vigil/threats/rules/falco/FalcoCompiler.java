package vigil.threats.rules.falco;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.Evaluator;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.IpNet;

/**
 * Compiles a Falco condition into an {@link Evaluator} per Vigil event type. For each type the condition is compiled
 * with its fields resolved for that type; {@code evt.type} checks, and checks of fields the type does not have (a
 * failed extraction in Falco: false), are folded into constants, and a type on which the whole condition folds to
 * false is not one the rule applies to. So {@code evt.type in (open, openat)} gives {@code open}, and a condition
 * without {@code evt.type} applies to the types that have its fields (all types for process fields only).
 */
public final class FalcoCompiler {
    private final FalcoFields fields;
    private final Map<String, SourceText> macros;
    private final Map<String, List<String>> lists;
    private final Map<String, Condition> parsedMacros = new HashMap<>();

    /** Macros by name (their condition text), lists by name (items, list references already expanded). */
    public FalcoCompiler(FalcoFields fields, Map<String, SourceText> macros, Map<String, List<String>> lists) {
        this.fields = fields;
        this.macros = Map.copyOf(macros);
        this.lists = Map.copyOf(lists);
    }

    /**
     * A compiled condition: an evaluator for each Vigil event type it applies to, and the syscalls it names that Vigil
     * does not observe (the rule loads for the others: {@code evt.type in (connect, sendto)} watches connect).
     */
    public record Compiled(Map<String, Evaluator> byType, Set<String> unobservedSyscalls) {
        public Compiled {
            byType = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byType));
            unobservedSyscalls = Set.copyOf(unobservedSyscalls);
        }

        /** One evaluator for every event: the event's type picks the compiled condition. */
        public Evaluator evaluator() {
            Map<String, Evaluator> map = byType;
            return (event, scope) -> {
                Evaluator evaluator = map.get(event.type());
                return evaluator != null && evaluator.matches(event, scope);
            };
        }
    }

    /** A compiled part and, when it does not depend on the event, its value. */
    private record Node(Evaluator eval, @Nullable Boolean constant) {
        static final Node TRUE = new Node((e, s) -> true, true);
        static final Node FALSE = new Node((e, s) -> false, false);

        static Node of(boolean value) {
            return value ? TRUE : FALSE;
        }
    }

    /** What one compilation noticed: syscalls Vigil does not observe, fields a type lacks. */
    private static final class Notes {
        final Set<String> unobservedSyscalls = new LinkedHashSet<>();
        final Set<String> missingFields = new LinkedHashSet<>();
        final List<String> expanding = new ArrayList<>();
    }

    public Compiled compile(SourceText source)
            throws FalcoSyntaxException, FalcoCompileException, UnsupportedException {
        Condition condition = ConditionParser.parse(source.text());
        Map<String, Evaluator> byType = new LinkedHashMap<>();
        Notes notes = new Notes();
        for (String type : fields.catalog().eventTypes()) {
            Node node = compile(condition, type, source, notes);
            if (!Boolean.FALSE.equals(node.constant())) {
                byType.put(type, node.eval());
            }
        }
        if (byType.isEmpty()) {
            if (!notes.unobservedSyscalls.isEmpty()) {
                String first = notes.unobservedSyscalls.iterator().next();
                throw new UnsupportedException(
                        "evt.type=" + first,
                        "Vigil observes none of the rule's syscalls (" + String.join(", ", notes.unobservedSyscalls)
                                + ")");
            }
            if (!notes.missingFields.isEmpty()) {
                String first = notes.missingFields.iterator().next();
                throw new UnsupportedException(first, "no event type the rule applies to has this field");
            }
            throw new UnsupportedException("(never true)", "the condition can never hold");
        }
        return new Compiled(byType, notes.unobservedSyscalls);
    }

    private Node compile(Condition condition, String type, SourceText source, Notes notes)
            throws FalcoCompileException, UnsupportedException {
        return switch (condition) {
            case Condition.And and -> junction(and.operands(), false, type, source, notes);
            case Condition.Or or -> junction(or.operands(), true, type, source, notes);
            case Condition.Not not -> {
                Node inner = compile(not.operand(), type, source, notes);
                if (inner.constant() != null) {
                    yield Node.of(!inner.constant());
                }
                Evaluator eval = inner.eval();
                yield new Node((e, s) -> !eval.matches(e, s), null);
            }
            case Condition.MacroRef ref -> macro(ref, type, source, notes);
            case Condition.Check check -> check(check, type, source, notes);
        };
    }

    /**
     * {@code and} ({@code dominant} false) or {@code or} ({@code dominant} true). An operand that is the dominant
     * constant decides, and then an operand Vigil cannot evaluate does not matter (a branch about a syscall Vigil
     * does not observe may read fields it does not have); otherwise such an operand makes the whole unsupported.
     */
    private Node junction(List<Condition> operands, boolean dominant, String type, SourceText source, Notes notes)
            throws FalcoCompileException, UnsupportedException {
        List<Evaluator> parts = new ArrayList<>();
        UnsupportedException unsupported = null;
        for (Condition operand : operands) {
            Node node;
            try {
                node = compile(operand, type, source, notes);
            } catch (UnsupportedException e) {
                unsupported = unsupported == null ? e : unsupported;
                continue;
            }
            if (Boolean.valueOf(dominant).equals(node.constant())) {
                return Node.of(dominant);
            }
            if (node.constant() == null) {
                parts.add(node.eval());
            }
        }
        if (unsupported != null) {
            throw unsupported;
        }
        if (parts.isEmpty()) {
            return Node.of(!dominant);
        }
        return new Node(dominant ? any(parts) : all(parts), null);
    }

    private Node macro(Condition.MacroRef ref, String type, SourceText source, Notes notes)
            throws FalcoCompileException, UnsupportedException {
        SourceText text = macros.get(ref.name());
        if (text == null) {
            throw new FalcoCompileException(source.locate(ref.offset()), "undefined macro '" + ref.name() + "'");
        }
        if (notes.expanding.contains(ref.name())) {
            throw new FalcoCompileException(source.locate(ref.offset()), "the macro " + ref.name() + " uses itself");
        }
        Condition parsed = parsedMacros.get(ref.name());
        if (parsed == null) {
            try {
                parsed = ConditionParser.parse(text.text());
            } catch (FalcoSyntaxException e) {
                throw new FalcoCompileException(
                        text.locate(e.offset()), "in macro " + ref.name() + ": " + e.getMessage());
            }
            parsedMacros.put(ref.name(), parsed);
        }
        notes.expanding.add(ref.name());
        try {
            return compile(parsed, type, text, notes);
        } finally {
            notes.expanding.removeLast();
        }
    }

    private Node check(Condition.Check check, String type, SourceText source, Notes notes)
            throws FalcoCompileException, UnsupportedException {
        Condition.FieldRef ref = check.field();
        String where = source.locate(check.offset());
        if (ref.name().equals("evt.type") && ref.transformers().isEmpty()) {
            for (String value : values(check.value(), where)) {
                if (!fields.syscalls().containsKey(value)) {
                    notes.unobservedSyscalls.add(value);
                }
            }
        }
        FalcoFields.Accessor accessor = fields.resolve(ref, type);
        if (check.value() instanceof Condition.Operand.FieldValue other) {
            fields.mapping(other.field());
        }
        if (accessor == null) {
            notes.missingFields.add(ref.name() + " on " + type);
            return Node.FALSE; // a field the event does not have: Falco's extraction fails, the check is false
        }
        FalcoFields.Reader reader = accessor.reader();
        if (check.op().equals("exists")) {
            return new Node((e, s) -> length(reader.read(e)) > 0, null);
        }
        ValueTest test = test(check, accessor.type(), type, where);
        Node node = new Node((e, s) -> test.test(reader.read(e), e), null);
        if (ref.name().equals("evt.type") && ref.transformers().isEmpty()) {
            // the syscalls of an event type are known: the check is a constant for it
            return Node.of(test.test(fields.syscallsOf(type).toArray(String[]::new), EMPTY));
        }
        if (ref.name().equals("evt.num") && ref.transformers().isEmpty()) {
            return Node.of(sameForEveryNumber(check, test, "evt.num", "Vigil's events have no number (" + where + ")"));
        }
        if (ref.name().equals("proc.tty") && ref.transformers().isEmpty()) {
            // Vigil reads a terminal as 1: a check that tells terminals apart by number cannot be evaluated
            sameForEveryNumber(check, test, "proc.tty", "Vigil has a terminal's name, not its number (" + where + ")");
        }
        if (ref.name().equals("evt.dir")) {
            return Node.of(test.test(new String[] {"<"}, EMPTY));
        }
        return node;
    }

    private static final Event EMPTY = new Event("", new Object[0]);

    /**
     * The value of a check for every number from 1 on, or unsupported when it differs between them. For
     * {@code evt.num}, which Vigil's events do not have (Falco numbers events from 1, and the rules'
     * {@code never_true} is {@code evt.num=0}); for {@code proc.tty}, whose number Vigil does not have.
     */
    private static boolean sameForEveryNumber(Condition.Check check, ValueTest test, String field, String reason)
            throws UnsupportedException {
        Set<Long> samples = new java.util.TreeSet<>(List.of(1L, 2L, Long.MAX_VALUE));
        if (check.value() instanceof Condition.Operand.Scalar scalar) {
            addSamples(samples, scalar.text());
        } else if (check.value() instanceof Condition.Operand.Items items) {
            for (Condition.Operand.Scalar item : items.items()) {
                addSamples(samples, item.text());
            }
        }
        Boolean value = null;
        for (long sample : samples) {
            boolean result = test.test(new long[] {sample}, EMPTY);
            if (value != null && value != result) {
                throw new UnsupportedException(field, reason);
            }
            value = result;
        }
        return Boolean.TRUE.equals(value);
    }

    private static void addSamples(Set<Long> samples, String text) {
        try {
            long k = Long.decode(text);
            for (long n = k - 1; n <= k + 1; n++) {
                if (n >= 1) {
                    samples.add(n);
                }
            }
        } catch (NumberFormatException e) {
            // not a number: the check itself reports it
        }
    }

    /**
     * A comparison of a field's values with the right side, at one event. It holds when it holds for one of the
     * values ({@code !=} too: one value differs), as libsinsp compares {@code proc.aname} without an index; a field
     * without a value fails every comparison.
     */
    @FunctionalInterface
    private interface ValueTest {
        boolean test(Object values, Event event);
    }

    private ValueTest test(Condition.Check check, FalcoFields.Type type, String eventType, String where)
            throws FalcoCompileException, UnsupportedException {
        String op = check.op();
        if (check.value() instanceof Condition.Operand.FieldValue other) {
            FalcoFields.Accessor right = fields.resolve(other.field(), eventType);
            if (right == null) {
                return (values, event) -> false;
            }
            if (right.type() != type) {
                throw new FalcoCompileException(
                        where, check.field().text() + " and " + other.field().text() + " have different types");
            }
            FalcoFields.Reader reader = right.reader();
            return (values, event) -> {
                Object rhs = reader.read(event);
                List<String> items = new ArrayList<>();
                switch (rhs) {
                    case String[] s -> items.addAll(List.of(s));
                    case long[] l -> {
                        for (long v : l) {
                            items.add(Long.toString(v));
                        }
                    }
                    case IpNet[] n -> {
                        for (IpNet v : n) {
                            items.add(v.toString());
                        }
                    }
                    default -> {}
                }
                if (items.isEmpty()) {
                    return false;
                }
                try {
                    return test(op, type, items, where).test(values, event);
                } catch (FalcoCompileException | UnsupportedException e) {
                    return false;
                }
            };
        }
        return test(op, type, values(check.value(), where), where);
    }

    private ValueTest test(String op, FalcoFields.Type type, List<String> items, String where)
            throws FalcoCompileException, UnsupportedException {
        return switch (type) {
            case STRING -> stringTest(op, items, where);
            case INT, BOOL -> intTest(op, type, items, where);
            case IP, NET -> ipTest(op, items, where);
        };
    }

    private static ValueTest stringTest(String op, List<String> items, String where) throws FalcoCompileException {
        String first = items.isEmpty() ? "" : items.getFirst();
        StringPredicate predicate = switch (op) {
            case "=", "!=" -> first::equals;
            case "contains" -> v -> v.contains(first);
            case "icontains" -> {
                String lower = first.toLowerCase(Locale.ROOT);
                yield v -> v.toLowerCase(Locale.ROOT).contains(lower);
            }
            case "startswith" -> v -> v.startsWith(first);
            case "endswith" -> v -> v.endsWith(first);
            case "bcontains", "bstartswith" -> {
                String bytes = hex(first, where);
                boolean starts = op.equals("bstartswith");
                yield v -> {
                    String raw = new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                    return starts ? raw.startsWith(bytes) : raw.contains(bytes);
                };
            }
            case "glob", "iglob" -> {
                Pattern pattern = Glob.compile(first, op.equals("iglob"));
                yield v -> pattern.matcher(v).matches();
            }
            case "regex" -> {
                try {
                    Pattern pattern = Pattern.compile(first);
                    yield v -> pattern.matcher(v).matches(); // RE2 anchored at both ends, as libsinsp
                } catch (PatternSyntaxException e) {
                    throw new FalcoCompileException(where, "invalid regular expression: " + e.getDescription());
                }
            }
            case "in", "intersects" -> {
                Set<String> set = new HashSet<>(items);
                yield set::contains;
            }
            case "pmatch" ->
                v -> {
                    for (String prefix : items) {
                        String dir = prefix.endsWith("/") && prefix.length() > 1
                                ? prefix.substring(0, prefix.length() - 1)
                                : prefix;
                        if (v.equals(dir) || v.startsWith(dir.endsWith("/") ? dir : dir + "/")) {
                            return true;
                        }
                    }
                    return false;
                };
            default -> throw new FalcoCompileException(where, "'" + op + "' does not compare strings");
        };
        boolean negate = op.equals("!=");
        return (values, event) -> {
            String[] strings = (String[]) values;
            if (strings.length == 0) {
                return false;
            }
            for (String value : strings) {
                if (predicate.test(value) != negate) {
                    return true;
                }
            }
            return false;
        };
    }

    @FunctionalInterface
    private interface StringPredicate {
        boolean test(String value);
    }

    private static ValueTest intTest(String op, FalcoFields.Type type, List<String> items, String where)
            throws FalcoCompileException {
        long[] numbers = new long[items.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = number(items.get(i), type, where);
        }
        long first = numbers.length == 0 ? 0 : numbers[0];
        java.util.function.LongPredicate predicate = switch (op) {
            case "=", "!=" -> v -> v == first;
            case "<" -> v -> v < first;
            case "<=" -> v -> v <= first;
            case ">" -> v -> v > first;
            case ">=" -> v -> v >= first;
            case "in", "intersects" ->
                v -> {
                    for (long n : numbers) {
                        if (n == v) {
                            return true;
                        }
                    }
                    return false;
                };
            default -> throw new FalcoCompileException(where, "'" + op + "' does not compare numbers");
        };
        boolean negate = op.equals("!=");
        return (values, event) -> {
            long[] longs = (long[]) values;
            if (longs.length == 0) {
                return false;
            }
            for (long value : longs) {
                if (predicate.test(value) != negate) {
                    return true;
                }
            }
            return false;
        };
    }

    private static long number(String text, FalcoFields.Type type, String where) throws FalcoCompileException {
        if (type == FalcoFields.Type.BOOL) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "1" -> 1;
                case "false", "0" -> 0;
                default -> throw new FalcoCompileException(where, "'" + text + "' is not true or false");
            };
        }
        try {
            return Long.decode(text);
        } catch (NumberFormatException e) {
            throw new FalcoCompileException(where, "'" + text + "' is not a number");
        }
    }

    private static ValueTest ipTest(String op, List<String> items, String where) throws FalcoCompileException {
        List<IpNet> nets = new ArrayList<>();
        for (String item : items) {
            try {
                nets.add(IpNet.parse(item));
            } catch (IllegalArgumentException e) {
                throw new FalcoCompileException(where, "'" + item + "' is not an IP address or network");
            }
        }
        if (!Set.of("=", "!=", "in", "intersects").contains(op)) {
            throw new FalcoCompileException(where, "'" + op + "' does not compare IP addresses");
        }
        boolean negate = op.equals("!=");
        return (values, event) -> {
            IpNet[] addresses = (IpNet[]) values;
            if (addresses.length == 0) {
                return false;
            }
            for (IpNet address : addresses) {
                boolean in = false;
                for (IpNet net : nets) {
                    in |= net.contains(address);
                }
                if (in != negate) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The right side's values: list references expanded, as Falco expands them. */
    private List<String> values(Condition.Operand operand, String where) throws FalcoCompileException {
        return switch (operand) {
            case Condition.Operand.None none -> List.of();
            case Condition.Operand.Scalar scalar -> List.of(scalar.text());
            case Condition.Operand.Items items -> {
                List<String> out = new ArrayList<>();
                for (Condition.Operand.Scalar item : items.items()) {
                    List<String> list = item.quoted() ? null : lists.get(item.text());
                    if (list != null) {
                        out.addAll(list);
                    } else {
                        out.add(item.text());
                    }
                }
                yield out;
            }
            case Condition.Operand.FieldValue value ->
                throw new FalcoCompileException(where, "val() has no constant value");
        };
    }

    private static String hex(String text, String where) throws FalcoCompileException {
        if (text.length() % 2 != 0) {
            throw new FalcoCompileException(where, "'" + text + "' is not hexadecimal bytes");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i += 2) {
            int high = Character.digit(text.charAt(i), 16);
            int low = Character.digit(text.charAt(i + 1), 16);
            if (high < 0 || low < 0) {
                throw new FalcoCompileException(where, "'" + text + "' is not hexadecimal bytes");
            }
            out.append((char) (high * 16 + low));
        }
        return out.toString();
    }

    private static int length(Object values) {
        return switch (values) {
            case String[] s -> s.length;
            case long[] l -> l.length;
            case IpNet[] n -> n.length;
            default -> 0;
        };
    }

    private static Evaluator all(List<Evaluator> parts) {
        Evaluator[] array = parts.toArray(Evaluator[]::new);
        return (event, scope) -> {
            for (Evaluator part : array) {
                if (!part.matches(event, scope)) {
                    return false;
                }
            }
            return true;
        };
    }

    private static Evaluator any(List<Evaluator> parts) {
        Evaluator[] array = parts.toArray(Evaluator[]::new);
        return (event, scope) -> {
            for (Evaluator part : array) {
                if (part.matches(event, scope)) {
                    return true;
                }
            }
            return false;
        };
    }
}
