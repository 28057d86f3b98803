package vigil.threats.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Pos;
import vigil.threats.rules.secl.Printer;

/**
 * The compiled evaluators agree with a plain tree-walking interpreter, written here from SECL's semantics (datadog-agent
 * {@code pkg/security/secl/compiler/eval}), on random expressions over a few real fields of open events and random
 * such events.
 */
class InterpreterAgreementTest {
    static final int EXAMPLES = 20_000;
    private static final Pos P = Pos.NONE;

    enum Kind {
        STRING,
        INT,
        BOOL
    }

    /** A field as the interpreter knows it: its type, whether it holds several values, whether it is a path. */
    record F(String name, Kind kind, boolean multiple, boolean path) {}

    static final List<F> FIELDS = List.of(
            new F("open.file.path", Kind.STRING, false, true),
            new F("open.file.name", Kind.STRING, false, false),
            new F("process.ancestors.file.name", Kind.STRING, true, false),
            new F("process.ancestors.file.path", Kind.STRING, true, true),
            new F("process.argv", Kind.STRING, true, false),
            new F("open.flags", Kind.INT, false, false),
            new F("process.uid", Kind.INT, false, false),
            new F("process.ancestors.uid", Kind.INT, true, false),
            new F("process.is_kworker", Kind.BOOL, false, false),
            new F("process.ancestors.is_kworker", Kind.BOOL, true, false));

    static final Map<String, Long> CONSTANTS =
            Map.of("O_WRONLY", 1L, "O_RDWR", 2L, "O_CREAT", 64L, "O_TRUNC", 512L, "O_APPEND", 1024L);

    private static @Nullable F field(String name) {
        return FIELDS.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- the interpreter

    /** Evaluates a condition on an event whose values are given by field name (absent: the type's zero). */
    static boolean truth(Expr expr, Map<String, Object> event) {
        return switch (expr) {
            case Expr.Logical e ->
                e.op() == Expr.LogicalOp.AND
                        ? truth(e.left(), event) && truth(e.right(), event)
                        : truth(e.left(), event) || truth(e.right(), event);
            case Expr.Unary e when e.op() == Expr.UnaryOp.NOT -> !truth(e.operand(), event);
            case Expr.Ident e when e.name().equals("true") -> true;
            case Expr.Ident e when e.name().equals("false") -> false;
            case Expr.Ident e -> {
                for (boolean b : bools(e, event)) {
                    if (b) {
                        yield true; // a boolean field of several values holds when one of them does
                    }
                }
                yield false;
            }
            case Expr.Compare e -> compare(e, event);
            case Expr.Member e -> member(e, event);
            default -> throw new IllegalArgumentException("not a condition: " + expr);
        };
    }

    private static boolean[] bools(Expr.Ident e, Map<String, Object> event) {
        F f = field(e.name());
        Object value = event.get(e.name());
        if (value == null) {
            return f != null && f.multiple() ? new boolean[0] : new boolean[] {false};
        }
        if (value instanceof List<?> list) {
            boolean[] out = new boolean[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (Boolean) list.get(i);
            }
            return out;
        }
        return new boolean[] {(Boolean) value};
    }

    static Kind kind(Expr expr) {
        return switch (expr) {
            case Expr.IntLit e -> Kind.INT;
            case Expr.Arithmetic e -> Kind.INT;
            case Expr.Bitwise e -> Kind.INT;
            case Expr.Unary e -> e.op() == Expr.UnaryOp.NOT ? Kind.BOOL : Kind.INT;
            case Expr.StringLit e -> Kind.STRING;
            case Expr.PatternLit e -> Kind.STRING;
            case Expr.RegexLit e -> Kind.STRING;
            case Expr.Ident e -> {
                F f = field(e.name());
                yield f != null ? f.kind() : CONSTANTS.containsKey(e.name()) ? Kind.INT : Kind.BOOL;
            }
            default -> Kind.BOOL;
        };
    }

    private static boolean isMultipleBool(Expr expr) {
        F f = expr instanceof Expr.Ident i ? field(i.name()) : null;
        return f != null && f.kind() == Kind.BOOL && f.multiple();
    }

    private static boolean isPath(Expr expr) {
        F f = field(((Expr.Ident) expr).name());
        return f != null && f.path();
    }

    private static boolean compare(Expr.Compare e, Map<String, Object> event) {
        boolean negated = e.op() == Expr.CompareOp.NE || e.op() == Expr.CompareOp.NOT_MATCH;
        boolean positive = switch (kind(e.left())) {
            case BOOL -> {
                // a boolean field of several values equals a condition when one of its values does
                if (isMultipleBool(e.left()) || isMultipleBool(e.right())) {
                    Expr.Ident many = (Expr.Ident) (isMultipleBool(e.left()) ? e.left() : e.right());
                    boolean wanted = truth(isMultipleBool(e.left()) ? e.right() : e.left(), event);
                    boolean any = false;
                    for (boolean b : bools(many, event)) {
                        any |= b == wanted;
                    }
                    yield any;
                }
                yield truth(e.left(), event) == truth(e.right(), event);
            }
            case INT -> {
                long[] left = ints(e.left(), event);
                long[] right = ints(e.right(), event);
                boolean any = false;
                for (long l : left) {
                    for (long r : right) {
                        any |= switch (e.op()) {
                            case EQ, NE -> l == r;
                            case LT -> l < r;
                            case LE -> l <= r;
                            case GT -> l > r;
                            case GE -> l >= r;
                            default -> throw new IllegalArgumentException(e.toString());
                        };
                    }
                }
                yield any;
            }
            case STRING -> {
                boolean literalRight = !(e.right() instanceof Expr.Ident);
                Expr value = literalRight ? e.left() : e.right();
                Expr other = literalRight ? e.right() : e.left();
                boolean pattern = e.op() == Expr.CompareOp.MATCH || e.op() == Expr.CompareOp.NOT_MATCH;
                if (other instanceof Expr.Ident) {
                    // two fields: one pair of equal values
                    boolean any = false;
                    for (String l : strings(value, event)) {
                        for (String r : strings(other, event)) {
                            any |= l.equals(r);
                        }
                    }
                    yield any;
                }
                boolean path = isPath(value);
                Expr literal = pattern && other instanceof Expr.StringLit s ? new Expr.PatternLit(s.value(), P) : other;
                boolean any = false;
                for (String candidate : strings(value, event)) {
                    any |= matches(literal, candidate, path);
                }
                yield any;
            }
        };
        return positive != negated;
    }

    private static boolean member(Expr.Member e, Map<String, Object> event) {
        List<Expr> members = ((Expr.ArrayLit) e.array()).members();
        boolean all = e.op() == Expr.MemberOp.ALL_IN;
        boolean foundOne = false;
        boolean missedOne = false;
        if (kind(e.value()) == Kind.INT) {
            for (long candidate : ints(e.value(), event)) {
                boolean found = false;
                for (Expr member : members) {
                    found |= ((Expr.IntLit) member).value() == candidate;
                }
                foundOne |= found;
                missedOne |= !found;
            }
        } else {
            boolean path = isPath(e.value());
            for (String candidate : strings(e.value(), event)) {
                boolean found = false;
                for (Expr member : members) {
                    found |= matches(member, candidate, path);
                }
                foundOne |= found;
                missedOne |= !found;
            }
        }
        boolean in = all ? !missedOne : foundOne;
        return e.op() == Expr.MemberOp.NOT_IN ? !in : in;
    }

    /** A string literal, pattern or regular expression against one value. */
    static boolean matches(Expr literal, String candidate, boolean path) {
        return switch (literal) {
            case Expr.StringLit s -> s.value().equals(candidate);
            case Expr.RegexLit r ->
                Pattern.compile(r.regex()).matcher(candidate).find();
            case Expr.PatternLit p -> path ? glob(p.pattern(), candidate) : wildcard(p.pattern(), candidate);
            default -> throw new IllegalArgumentException(literal.toString());
        };
    }

    /** {@code *} is any run of characters, the rest is literal; the whole value must match. */
    static boolean wildcard(String pattern, String candidate) {
        return Pattern.compile(starRegex(pattern, ".*"), Pattern.DOTALL)
                .matcher(candidate)
                .matches();
    }

    /**
     * A path pattern: {@code *} stays within a segment, a final {@code **} is one or more segments, and a pattern
     * whose first segment is {@code *} matches the path without its leading {@code /}. A pattern without {@code *}
     * is a plain value; an empty path matches no pattern, nor does a path ending in {@code /} unless the pattern ends
     * in {@code **}.
     */
    static boolean glob(String pattern, String candidate) {
        if (!pattern.contains("*")) {
            return pattern.equals(candidate);
        }
        if (candidate.isEmpty()) {
            return false;
        }
        String[] elements = pattern.split("/", -1);
        String value = elements[0].equals("*") ? candidate.substring(1) : candidate;
        if (!elements[elements.length - 1].equals("**") && value.endsWith("/")) {
            return false; // the reference never matches an empty last segment ("/" against "/*")
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                regex.append('/');
            }
            regex.append(i == elements.length - 1 && elements[i].equals("**") ? ".+" : starRegex(elements[i], "[^/]*"));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }

    /** The pattern as a regular expression: each {@code *} is {@code star}, the rest is quoted. */
    private static String starRegex(String pattern, String star) {
        StringBuilder out = new StringBuilder();
        String[] pieces = pattern.split("\\*", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (i > 0) {
                out.append(star);
            }
            out.append(Pattern.quote(pieces[i]));
        }
        return out.toString();
    }

    static long[] ints(Expr expr, Map<String, Object> event) {
        return switch (expr) {
            case Expr.IntLit e -> new long[] {e.value()};
            case Expr.Ident e when CONSTANTS.containsKey(e.name()) -> new long[] {CONSTANTS.get(e.name())};
            case Expr.Ident e -> {
                F f = field(e.name());
                Object value = event.get(e.name());
                if (value == null) {
                    yield f != null && f.multiple() ? new long[0] : new long[] {0};
                }
                yield value instanceof List<?> list
                        ? list.stream().mapToLong(v -> ((Number) v).longValue()).toArray()
                        : new long[] {((Number) value).longValue()};
            }
            case Expr.Unary e -> {
                long v = ints(e.operand(), event)[0];
                yield new long[] {e.op() == Expr.UnaryOp.NEGATE ? -v : ~v};
            }
            case Expr.Arithmetic e -> {
                long l = ints(e.left(), event)[0];
                long r = ints(e.right(), event)[0];
                yield new long[] {e.op() == '+' ? l + r : l - r};
            }
            case Expr.Bitwise e -> {
                long l = ints(e.left(), event)[0];
                long r = ints(e.right(), event)[0];
                yield new long[] {
                    switch (e.op()) {
                        case '&' -> l & r;
                        case '|' -> l | r;
                        default -> l ^ r;
                    }
                };
            }
            default -> throw new IllegalArgumentException("not an integer: " + expr);
        };
    }

    static String[] strings(Expr expr, Map<String, Object> event) {
        if (!(expr instanceof Expr.Ident e)) {
            throw new IllegalArgumentException("not a string field: " + expr);
        }
        F f = field(e.name());
        Object value = event.get(e.name());
        if (value == null) {
            return f != null && f.multiple() ? new String[0] : new String[] {""};
        }
        return value instanceof List<?> list ? list.toArray(String[]::new) : new String[] {(String) value};
    }

    // ---------------------------------------------------------------- generators

    static int pick(RandomnessSource in, int n) {
        return (int) in.next(Constraint.between(0, n - 1));
    }

    static <T> T oneOf(RandomnessSource in, List<T> choices) {
        return choices.get(pick(in, choices.size()));
    }

    static final List<String> SEGMENTS = List.of("etc", "passwd", "bin", "sh", "usr", "tmp", "a.so", "x", "bash");
    static final List<String> NAMES = List.of("bash", "sh", "sshd", "-c", "a.so", "passwd", "x", "", "cron");

    static String path(RandomnessSource in) {
        int length = pick(in, 4);
        if (length == 0) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append('/').append(oneOf(in, SEGMENTS));
        }
        return out.toString();
    }

    /** A glob segment: a name, {@code *}, or a name with a star in it. */
    private static String globSegment(RandomnessSource in) {
        String name = oneOf(in, SEGMENTS);
        return switch (pick(in, 4)) {
            case 0 -> name;
            case 1 -> "*";
            case 2 -> name.substring(0, 1) + "*";
            default -> "*" + name.substring(name.length() - 1);
        };
    }

    static String pathPattern(RandomnessSource in) {
        int length = 1 + pick(in, 3);
        StringBuilder out = new StringBuilder(pick(in, 4) == 0 ? "*" : "");
        for (int i = 0; i < length; i++) {
            out.append('/').append(i == length - 1 && pick(in, 3) == 0 ? "**" : globSegment(in));
        }
        return out.toString();
    }

    static String namePattern(RandomnessSource in) {
        String name = oneOf(in, NAMES);
        String pattern = switch (pick(in, 5)) {
            case 0 -> name + "*";
            case 1 -> "*" + name;
            case 2 -> "*" + name + "*";
            case 3 -> name.isEmpty() ? "*" : name.charAt(0) + "*" + name.substring(name.length() - 1);
            default -> name;
        };
        return pattern.replace("**", "*");
    }

    static final List<String> REGEXES = List.of("^s", "h$", "a\\.so", "[0-9]", "ss", "^$", ".", "^-", "ba|cr", "sh+d");

    /** A literal that may be compared with the field's values. */
    static Expr stringLiteral(RandomnessSource in, F f) {
        if (f.path()) {
            return pick(in, 2) == 0 ? new Expr.StringLit(path(in), P) : new Expr.PatternLit(pathPattern(in), P);
        }
        return switch (pick(in, 3)) {
            case 0 -> new Expr.StringLit(oneOf(in, NAMES), P);
            case 1 -> new Expr.PatternLit(namePattern(in), P);
            default -> new Expr.RegexLit(oneOf(in, REGEXES), P);
        };
    }

    private static List<F> fields(Kind kind, boolean multiple) {
        return FIELDS.stream()
                .filter(f -> f.kind() == kind && (multiple || !f.multiple()))
                .toList();
    }

    static long smallInt(RandomnessSource in) {
        return switch (pick(in, 3)) {
            case 0 -> in.next(Constraint.between(0, 3));
            case 1 -> oneOf(in, List.of(0L, 1L, 64L, 512L, 1000L, 65534L, -1L));
            default -> in.next(Constraint.between(-2000, 2000));
        };
    }

    /** An integer of one value: literals, constants, single-valued fields, arithmetic and bitwise operations. */
    static Expr intExpr(RandomnessSource in, int depth) {
        int choice = pick(in, depth == 0 ? 3 : 6);
        return switch (choice) {
            case 0 -> new Expr.IntLit(smallInt(in), P);
            case 1 -> new Expr.Ident(oneOf(in, fields(Kind.INT, false)).name(), P);
            case 2 ->
                new Expr.Ident(
                        oneOf(
                                in,
                                List.copyOf(CONSTANTS.keySet().stream().sorted().toList())),
                        P);
            case 3 ->
                new Expr.Arithmetic(pick(in, 2) == 0 ? '+' : '-', intExpr(in, depth - 1), intExpr(in, depth - 1), P);
            case 4 -> new Expr.Bitwise("&|^".charAt(pick(in, 3)), intExpr(in, depth - 1), intExpr(in, depth - 1), P);
            default ->
                new Expr.Unary(
                        pick(in, 2) == 0 ? Expr.UnaryOp.NEGATE : Expr.UnaryOp.BIT_NOT, intExpr(in, depth - 1), P);
        };
    }

    static final List<Expr.CompareOp> INT_OPS = List.of(
            Expr.CompareOp.EQ,
            Expr.CompareOp.NE,
            Expr.CompareOp.LT,
            Expr.CompareOp.LE,
            Expr.CompareOp.GT,
            Expr.CompareOp.GE);

    static Expr condition(RandomnessSource in, int depth) {
        int choice = pick(in, depth == 0 ? 5 : 9);
        return switch (choice) {
            case 0 ->
                new Expr.Ident(
                        oneOf(in, List.of("true", "false", "process.is_kworker", "process.ancestors.is_kworker")), P);
            case 1 -> {
                // a string field against a literal: ==, !=, =~, !~
                F f = oneOf(in, fields(Kind.STRING, true));
                Expr literal = stringLiteral(in, f);
                Expr.CompareOp op = literal instanceof Expr.StringLit
                        ? oneOf(in, List.of(Expr.CompareOp.EQ, Expr.CompareOp.NE))
                        : oneOf(
                                in,
                                List.of(
                                        Expr.CompareOp.EQ,
                                        Expr.CompareOp.NE,
                                        Expr.CompareOp.MATCH,
                                        Expr.CompareOp.NOT_MATCH));
                Expr field = new Expr.Ident(f.name(), P);
                yield pick(in, 4) == 0
                        ? new Expr.Compare(op, literal, field, P)
                        : new Expr.Compare(op, field, literal, P);
            }
            case 2 -> {
                // a string field in an array of literals
                F f = oneOf(in, fields(Kind.STRING, true));
                List<Expr> members = new ArrayList<>();
                int size = 1 + pick(in, 4);
                for (int i = 0; i < size; i++) {
                    members.add(stringLiteral(in, f));
                }
                yield new Expr.Member(
                        oneOf(in, List.of(Expr.MemberOp.values())),
                        new Expr.Ident(f.name(), P),
                        new Expr.ArrayLit(members, P),
                        P);
            }
            case 3 -> {
                // integers compared: at most one side of several values
                Expr left =
                        pick(in, 3) == 0 ? new Expr.Ident("process.ancestors.uid", P) : intExpr(in, Math.min(depth, 2));
                yield new Expr.Compare(oneOf(in, INT_OPS), left, intExpr(in, Math.min(depth, 2)), P);
            }
            case 4 -> {
                Expr value =
                        pick(in, 3) == 0 ? new Expr.Ident("process.ancestors.uid", P) : intExpr(in, Math.min(depth, 2));
                List<Expr> members = new ArrayList<>();
                int size = 1 + pick(in, 4);
                for (int i = 0; i < size; i++) {
                    members.add(new Expr.IntLit(smallInt(in), P));
                }
                yield new Expr.Member(
                        oneOf(in, List.of(Expr.MemberOp.values())), value, new Expr.ArrayLit(members, P), P);
            }
            case 5 ->
                new Expr.Logical(
                        pick(in, 2) == 0 ? Expr.LogicalOp.AND : Expr.LogicalOp.OR,
                        condition(in, depth - 1),
                        condition(in, depth - 1),
                        P);
            case 6 -> new Expr.Unary(Expr.UnaryOp.NOT, condition(in, depth - 1), P);
            case 7 ->
                new Expr.Compare(
                        pick(in, 2) == 0 ? Expr.CompareOp.EQ : Expr.CompareOp.NE,
                        condition(in, depth - 1),
                        condition(in, depth - 1),
                        P);
            default -> {
                // two string fields, at most one of several values
                F left = oneOf(in, fields(Kind.STRING, true));
                F right = oneOf(in, fields(Kind.STRING, !left.multiple()));
                yield new Expr.Compare(
                        pick(in, 2) == 0 ? Expr.CompareOp.EQ : Expr.CompareOp.NE,
                        new Expr.Ident(left.name(), P),
                        new Expr.Ident(right.name(), P),
                        P);
            }
        };
    }

    /** An open event: each field absent or with random values near the literals the expressions use. */
    static Map<String, Object> event(RandomnessSource in) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (F f : FIELDS) {
            if (pick(in, 5) == 0) {
                continue;
            }
            int count = f.multiple() ? pick(in, 4) : 1;
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                values.add(
                        switch (f.kind()) {
                            case STRING -> f.path() ? path(in) : oneOf(in, NAMES);
                            case INT -> smallInt(in);
                            case BOOL -> pick(in, 2) == 1;
                        });
            }
            fields.put(f.name(), f.multiple() ? values : values.getFirst());
        }
        return fields;
    }

    record Example(Expr expr, Map<String, Object> event) {}

    static final Gen<Example> EXAMPLES_GEN = new Gen<>() {
        @Override
        public Example generate(RandomnessSource in) {
            return new Example(condition(in, pick(in, 5)), event(in));
        }

        @Override
        public String asString(Example example) {
            return Printer.print(example.expr()) + " on " + example.event();
        }
    };

    static boolean compiled(Expr expr, Map<String, Object> fields) {
        try {
            Event event = new EventBuilder(FieldCatalog.linux()).build("open", fields);
            Typed typed = new Compiler(FieldCatalog.linux(), Constants.linux(), Map.of(), Map.of()).compilePart(expr);
            assertThat(typed).as(Printer.print(expr)).isInstanceOf(Typed.Bool.class);
            return ((Typed.Bool) typed).eval().matches(event, Scope.EMPTY);
        } catch (CompileException | EventBuilder.EventFormatException e) {
            throw new AssertionError(Printer.print(expr) + ": " + e.getMessage(), e);
        }
    }

    @Test
    void compiledEvaluatorsAgreeWithTheInterpreter() {
        qt().withExamples(EXAMPLES)
                .withShrinkCycles(3000)
                .forAll(EXAMPLES_GEN)
                .checkAssert(example -> assertThat(compiled(example.expr(), example.event()))
                        .as(Printer.print(example.expr()) + " on " + example.event())
                        .isEqualTo(truth(example.expr(), example.event())));
    }

    /**
     * An approver is a condition every match meets: the index never skips a rule for an event the rule matches
     * (random expressions exercise every kind: values, patterns, integers, flags, booleans, non-empty strings, and
     * their {@code &&} and {@code ||}).
     */
    @Test
    void theApproverIndexNeverSkipsAMatch() {
        Compiler compiler = new Compiler(FieldCatalog.linux(), Constants.linux(), Map.of(), Map.of());
        int[] approved = {0};
        qt().withExamples(EXAMPLES).withShrinkCycles(3000).forAll(APPROVER_GEN).checkAssert(example -> {
            Expr rule = aboutOpenEvents(example.expr());
            try {
                Compiler.Compiled compiled = compiler.compile(rule);
                Event event = new EventBuilder(FieldCatalog.linux()).build("open", example.event());
                if (compiled.approver() != null) {
                    approved[0]++;
                }
                if (compiled.evaluator().matches(event, Scope.EMPTY)) {
                    RuleIndex<Compiler.Compiled> index = new RuleIndex<>(List.of(compiled), c -> c);
                    assertThat(index.candidates(event, index.newMarks(), new int[1]))
                            .as(Printer.print(rule) + " on " + example.event() + ", approver " + compiled.approver())
                            .isEqualTo(1);
                }
            } catch (CompileException | EventBuilder.EventFormatException e) {
                throw new AssertionError(Printer.print(rule) + ": " + e.getMessage(), e);
            }
        });
        // the property is not vacuous: many of the expressions have an approver
        assertThat(approved[0]).isGreaterThan(EXAMPLES / 10);
    }

    /** An expression, an event, another event, and the field the partial evaluation knows. */
    record PartialExample(Expr expr, Map<String, Object> event, Map<String, Object> other, F field) {}

    static final Gen<PartialExample> PARTIAL_GEN = new Gen<>() {
        @Override
        public PartialExample generate(RandomnessSource in) {
            return new PartialExample(
                    pick(in, 2) == 0 ? condition(in, pick(in, 5)) : approverShaped(in, 3),
                    event(in),
                    event(in),
                    oneOf(in, FIELDS));
        }

        @Override
        public String asString(PartialExample example) {
            return Printer.print(example.expr()) + " knowing " + example.field().name() + " of " + example.event()
                    + " (other: " + example.other() + ")";
        }
    };

    /**
     * A partial evaluation's answer holds for every event with the known field's value: FALSE means no such event
     * matches (what makes a discarder), TRUE that every one does. The other event takes the first one's value of
     * the field and keeps its own everything else.
     */
    @Test
    void aPartialAnswerHoldsForEveryEventWithThatValue() {
        Compiler compiler = new Compiler(FieldCatalog.linux(), Constants.linux(), Map.of(), Map.of());
        int[] known = {0};
        qt().withExamples(EXAMPLES).withShrinkCycles(3000).forAll(PARTIAL_GEN).checkAssert(example -> {
            Expr rule = aboutOpenEvents(example.expr());
            String field = example.field().name();
            Map<String, Object> other = new LinkedHashMap<>(example.other());
            other.remove(field);
            if (example.event().containsKey(field)) {
                other.put(field, example.event().get(field));
            }
            try {
                Compiler.Compiled compiled = compiler.compile(rule);
                EventBuilder builder = new EventBuilder(FieldCatalog.linux());
                Event first = builder.build("open", example.event());
                Event second = builder.build("open", other);
                Partial.Answer answer = compiled.partial().eval(first, field);
                if (answer == Partial.Answer.UNKNOWN) {
                    return;
                }
                known[0]++;
                boolean expected = answer == Partial.Answer.TRUE;
                assertThat(compiled.evaluator().matches(first, Scope.EMPTY))
                        .as(Printer.print(rule) + " knowing " + field + ": " + answer + " on " + example.event())
                        .isEqualTo(expected);
                assertThat(compiled.evaluator().matches(second, Scope.EMPTY))
                        .as(Printer.print(rule) + " knowing " + field + ": " + answer + " on " + other)
                        .isEqualTo(expected);
            } catch (CompileException | EventBuilder.EventFormatException e) {
                throw new AssertionError(Printer.print(rule) + ": " + e.getMessage(), e);
            }
        });
        // not vacuous: many answers are known
        assertThat(known[0]).isGreaterThan(EXAMPLES / 10);
    }

    /**
     * {@code expr} as a rule about open events: tied to them by a conjunct that holds for every generated event and
     * gives no approver (a rule must name a field of one event type).
     */
    static Expr aboutOpenEvents(Expr expr) {
        return new Expr.Logical(
                Expr.LogicalOp.AND,
                expr,
                new Expr.Compare(
                        Expr.CompareOp.NE,
                        new Expr.Ident("open.file.name", P),
                        new Expr.StringLit("never generated", P),
                        P),
                P);
    }

    /** Random conditions mixed, by {@code &&} and {@code ||}, with the shapes approvers are made of. */
    static final Gen<Example> APPROVER_GEN = new Gen<>() {
        @Override
        public Example generate(RandomnessSource in) {
            return new Example(approverShaped(in, 3), event(in));
        }

        @Override
        public String asString(Example example) {
            return Printer.print(example.expr()) + " on " + example.event();
        }
    };

    static Expr approverShaped(RandomnessSource in, int depth) {
        return switch (pick(in, depth == 0 ? 4 : 6)) {
            case 0 -> {
                // flags: open.flags & MASK > 0 (or the mask first)
                Expr flags = new Expr.Ident("open.flags", P);
                Expr mask = pick(in, 2) == 0
                        ? new Expr.Ident(
                                oneOf(in, CONSTANTS.keySet().stream().sorted().toList()), P)
                        : new Expr.IntLit(smallInt(in), P);
                Expr and = pick(in, 2) == 0
                        ? new Expr.Bitwise('&', flags, mask, P)
                        : new Expr.Bitwise('&', mask, flags, P);
                yield new Expr.Compare(Expr.CompareOp.GT, and, new Expr.IntLit(0, P), P);
            }
            case 1 ->
                // a field of one value that is not its zero value: "", 0, false
                switch (pick(in, 3)) {
                    case 0 ->
                        new Expr.Compare(
                                Expr.CompareOp.NE,
                                new Expr.Ident(oneOf(in, List.of("open.file.name", "open.file.path")), P),
                                new Expr.StringLit("", P),
                                P);
                    case 1 ->
                        new Expr.Compare(
                                Expr.CompareOp.NE,
                                new Expr.Ident(oneOf(in, List.of("open.flags", "process.uid")), P),
                                new Expr.IntLit(0, P),
                                P);
                    default ->
                        new Expr.Compare(
                                Expr.CompareOp.NE,
                                new Expr.Ident("process.is_kworker", P),
                                new Expr.Ident("false", P),
                                P);
                };
            case 2 ->
                // a value in a field of several strings
                new Expr.Member(
                        Expr.MemberOp.IN,
                        new Expr.StringLit(oneOf(in, NAMES), P),
                        new Expr.Ident(oneOf(in, List.of("process.ancestors.file.name", "process.argv")), P),
                        P);
            case 3 -> condition(in, 2);
            default ->
                new Expr.Logical(
                        pick(in, 2) == 0 ? Expr.LogicalOp.AND : Expr.LogicalOp.OR,
                        approverShaped(in, depth - 1),
                        approverShaped(in, depth - 1),
                        P);
        };
    }

    /** The interpreter's own checks: a few cases whose answer the reference documents. */
    @Test
    void interpreterFollowsTheReferenceOnKnownCases() {
        assertThat(glob("/etc/*", "/etc/passwd")).isTrue();
        assertThat(glob("/etc/*", "/etc/ssh/sshd_config")).isFalse();
        assertThat(glob("/etc/**", "/etc/ssh/sshd_config")).isTrue();
        assertThat(glob("/etc/**", "/etc")).isFalse();
        assertThat(glob("*/passwd", "/etc/passwd")).isTrue();
        assertThat(glob("/etc/pa*", "/etc/passwd")).isTrue();
        assertThat(wildcard("*/passwd", "/etc/passwd")).isTrue();
        assertThat(wildcard("a*a", "a")).isFalse();
        assertThat(wildcard("*", "")).isTrue();
        assertThat(wildcard("", "")).isTrue();
        assertThat(wildcard("", "x")).isFalse();
    }

    /**
     * The generated events have clean paths; on a path ending in {@code /} (which EventBuilder accepts) the compiled
     * glob and the reference's ({@code eval/glob.go}, {@code Glob.matches}) part: the reference refuses an empty last
     * segment against {@code *}, and lets {@code **} take a trailing {@code /}.
     */
    @Test
    void globsOnPathsEndingInASlashAnswerAsTheReference() {
        Expr star = new Expr.Compare(
                Expr.CompareOp.MATCH, new Expr.Ident("open.file.path", P), new Expr.PatternLit("/etc/*", P), P);
        Expr rest = new Expr.Compare(
                Expr.CompareOp.MATCH, new Expr.Ident("open.file.path", P), new Expr.PatternLit("/etc/**", P), P);
        assertThat(compiled(star, Map.of("open.file.path", "/etc/"))).isFalse();
        assertThat(compiled(rest, Map.of("open.file.path", "/etc/a/"))).isTrue();
    }
}
