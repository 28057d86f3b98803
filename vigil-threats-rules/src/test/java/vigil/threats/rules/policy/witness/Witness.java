package vigil.threats.rules.policy.witness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.engine.VariableType;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;
import vigil.threats.rules.secl.Expr;

/**
 * Finds field values that make a SECL expression true (or false), from the expression alone: SECL's semantics
 * written again here, independently of the compiler, so that the compiled evaluator can be checked against them.
 * The expression, macros expanded, is pushed through as constraints on terms (fields and variables): atoms (one
 * term against literals) and links (two terms compared); each alternative of the {@code ||}s is then made concrete,
 * value by value, until one satisfies every constraint.
 */
public final class Witness {
    /** A fixed clock (2025-06-15T12:00:00Z): durations are measured back from it. */
    public static final long NOW = 1_749_988_800_000_000_000L;

    /** What was found: the event's fields (plain values, lists for fields of several values) and the variables. */
    public record Solution(Map<String, Object> fields, Map<String, Object> variables, long now) {}

    /** A shape the generator does not handle: the rule's events are written by hand. */
    public static final class Unsolvable extends Exception {
        private static final long serialVersionUID = 1L;

        Unsolvable(String message) {
            super(message);
        }
    }

    private final FieldCatalog catalog;
    private final Constants constants;
    private final Map<String, Expr> macros;
    private final Map<String, VariableType> variables;

    public Witness(
            FieldCatalog catalog, Constants constants, Map<String, Expr> macros, Map<String, VariableType> variables) {
        this.catalog = catalog;
        this.constants = constants;
        this.macros = Map.copyOf(macros);
        this.variables = Map.copyOf(variables);
    }

    /** A field or a variable, with what matters to compare its values. */
    record Term(String name, FieldType type, boolean multiple, boolean variable, boolean path, boolean ignoreCase) {
        boolean time() {
            return !variable
                    && type == FieldType.INT
                    && (name.endsWith("_time") || name.endsWith("created_at") || name.equals("event.timestamp"));
        }
    }

    /** A test on one value of a term, and the values worth trying to satisfy it. */
    interface Pred {
        boolean test(Object value);

        List<Object> candidates();
    }

    /** Some value of the term passes (positive), or none does. */
    record Atom(Term term, Pred pred, boolean positive) {}

    /** Some value of {@code a} equals some value of {@code b} (positive), or none does. */
    record Link(Term a, Term b, boolean positive) {}

    record State(List<Atom> atoms, List<Link> links) {
        State with(Atom atom) {
            List<Atom> more = new ArrayList<>(atoms);
            more.add(atom);
            return new State(more, links);
        }

        State with(Link link) {
            List<Link> more = new ArrayList<>(links);
            more.add(link);
            return new State(atoms, more);
        }
    }

    private static final int MAX_STATES = 256;

    /** Values that make {@code expr} true ({@code want}) or false. */
    public Optional<Solution> solve(Expr expr, boolean want) throws Unsolvable {
        Expr resolved = resolve(expr, new ArrayList<>());
        List<State> states = solve(resolved, want, List.of(new State(List.of(), List.of())));
        for (State state : states) {
            Optional<Solution> solution = concretize(state);
            if (solution.isPresent()) {
                return solution;
            }
        }
        return Optional.empty();
    }

    /**
     * A false witness close to a true one: one conjunct of the top-level {@code &&} false (the first that can be),
     * the others true, so the event differs from a matching one in one condition.
     */
    public Optional<Solution> nearMiss(Expr expr) throws Unsolvable {
        Expr resolved = resolve(expr, new ArrayList<>());
        List<Expr> conjuncts = new ArrayList<>();
        flatten(resolved, conjuncts);
        for (int flip = 0; flip < conjuncts.size(); flip++) {
            List<State> states = List.of(new State(List.of(), List.of()));
            for (int i = 0; i < conjuncts.size(); i++) {
                states = solve(conjuncts.get(i), i != flip, states);
            }
            for (State state : states) {
                Optional<Solution> solution = concretize(state);
                if (solution.isPresent()) {
                    return solution;
                }
            }
        }
        return Optional.empty();
    }

    private static void flatten(Expr expr, List<Expr> into) {
        if (expr instanceof Expr.Logical l && l.op() == Expr.LogicalOp.AND) {
            flatten(l.left(), into);
            flatten(l.right(), into);
        } else {
            into.add(expr);
        }
    }

    // ---- macros and constants replaced by what they stand for

    private Expr resolve(Expr expr, List<String> expanding) throws Unsolvable {
        return switch (expr) {
            case Expr.Logical e ->
                new Expr.Logical(e.op(), resolve(e.left(), expanding), resolve(e.right(), expanding), e.pos());
            case Expr.Compare e ->
                new Expr.Compare(e.op(), resolve(e.left(), expanding), resolve(e.right(), expanding), e.pos());
            case Expr.Member e ->
                new Expr.Member(e.op(), resolve(e.value(), expanding), resolve(e.array(), expanding), e.pos());
            case Expr.Bitwise e ->
                new Expr.Bitwise(e.op(), resolve(e.left(), expanding), resolve(e.right(), expanding), e.pos());
            case Expr.Arithmetic e ->
                new Expr.Arithmetic(e.op(), resolve(e.left(), expanding), resolve(e.right(), expanding), e.pos());
            case Expr.Unary e -> new Expr.Unary(e.op(), resolve(e.operand(), expanding), e.pos());
            case Expr.ArrayLit e -> {
                List<Expr> members = new ArrayList<>();
                for (Expr member : e.members()) {
                    members.add(resolve(member, expanding));
                }
                yield new Expr.ArrayLit(members, e.pos());
            }
            case Expr.Ident e -> ident(e, expanding);
            default -> expr;
        };
    }

    private Expr ident(Expr.Ident e, List<String> expanding) throws Unsolvable {
        Expr macro = macros.get(e.name());
        if (macro != null) {
            if (expanding.contains(e.name())) {
                throw new Unsolvable("recursive macro " + e.name());
            }
            expanding.add(e.name());
            Expr out = resolve(macro, expanding);
            expanding.removeLast();
            return out;
        }
        if (e.name().contains("[")) {
            throw new Unsolvable("register " + e.name());
        }
        if (catalog.find(e.name()).isPresent()
                || e.name().equals("true")
                || e.name().equals("false")) {
            return e;
        }
        Object constant = constants.find(e.name()).orElse(null);
        return switch (constant) {
            case Long value -> new Expr.IntLit(value, e.pos());
            case String value -> new Expr.StringLit(value, e.pos());
            case Boolean value -> new Expr.Ident(value.toString(), e.pos());
            case null -> throw new Unsolvable("unknown name " + e.name());
            default -> throw new Unsolvable("constant " + e.name() + " of " + constant.getClass());
        };
    }

    // ---- the expression as constraints, one state per alternative

    private List<State> solve(Expr expr, boolean want, List<State> states) throws Unsolvable {
        if (states.isEmpty()) {
            return states;
        }
        return switch (expr) {
            case Expr.Logical e -> {
                boolean and = e.op() == Expr.LogicalOp.AND;
                if (and == want) { // both sides: a && b true, a || b false
                    yield solve(e.right(), want, solve(e.left(), want, states));
                }
                List<State> out = new ArrayList<>(solve(e.left(), want, states));
                out.addAll(solve(e.right(), want, solve(e.left(), !want, states)));
                yield cap(out);
            }
            case Expr.Unary e when e.op() == Expr.UnaryOp.NOT -> solve(e.operand(), !want, states);
            case Expr.Ident e
            when e.name().equals("true") || e.name().equals("false") ->
                e.name().equals("true") == want ? states : List.of();
            case Expr.Ident e -> {
                Term term = term(e).orElseThrow(() -> new Unsolvable("not a condition: " + e.name()));
                if (term.type() != FieldType.BOOL) {
                    throw new Unsolvable("not a condition: " + e.name());
                }
                yield add(states, new Atom(term, equal(term, Boolean.TRUE), want));
            }
            case Expr.Variable e -> {
                Term term = variable(e);
                yield add(states, new Atom(term, equal(term, Boolean.TRUE), want));
            }
            case Expr.Compare e -> compare(e, want, states);
            case Expr.Member e -> member(e, want, states);
            default ->
                throw new Unsolvable("not a condition: " + expr.getClass().getSimpleName());
        };
    }

    private static List<State> cap(List<State> states) {
        return states.size() > MAX_STATES ? new ArrayList<>(states.subList(0, MAX_STATES)) : states;
    }

    private static List<State> add(List<State> states, Atom atom) {
        List<State> out = new ArrayList<>();
        for (State state : states) {
            out.add(state.with(atom));
        }
        return out;
    }

    private static List<State> add(List<State> states, Link link) {
        List<State> out = new ArrayList<>();
        for (State state : states) {
            out.add(state.with(link));
        }
        return out;
    }

    private Optional<Term> term(Expr expr) throws Unsolvable {
        if (expr instanceof Expr.Variable v) {
            return Optional.of(variable(v));
        }
        if (expr instanceof Expr.Ident ident) {
            Field field = catalog.find(ident.name()).orElse(null);
            if (field != null) {
                return Optional.of(new Term(
                        field.name(),
                        field.type(),
                        field.multiple(),
                        false,
                        field.name().endsWith(".path"),
                        field.name().equals("dns.question.name")));
            }
        }
        return Optional.empty();
    }

    private Term variable(Expr.Variable v) throws Unsolvable {
        VariableType type = variables.get(v.name());
        if (type == null) {
            throw new Unsolvable("unknown variable " + v.name());
        }
        return new Term(v.name(), type.type(), type.array(), true, false, false);
    }

    private List<State> compare(Expr.Compare e, boolean want, List<State> states) throws Unsolvable {
        Expr left = e.left();
        Expr right = e.right();
        Expr.CompareOp op = e.op();
        if (isTermish(right) && !isTermish(left)) { // "literal op field": the field on the left
            Expr swap = left;
            left = right;
            right = swap;
            op = switch (op) {
                case LT -> Expr.CompareOp.GT;
                case LE -> Expr.CompareOp.GE;
                case GT -> Expr.CompareOp.LT;
                case GE -> Expr.CompareOp.LE;
                default -> op;
            };
        }
        boolean positive = want;
        if (op == Expr.CompareOp.NE || op == Expr.CompareOp.NOT_MATCH) { // the negation of == and =~
            positive = !want;
            op = op == Expr.CompareOp.NE ? Expr.CompareOp.EQ : Expr.CompareOp.MATCH;
        }
        // (field & mask) op value
        if (left instanceof Expr.Bitwise bit && bit.op() == '&') {
            Term term = term(bit.left()).orElseThrow(() -> new Unsolvable("mask of " + bit.left()));
            long mask = intValue(bit.right());
            long value = intValue(right);
            return add(states, new Atom(term, masked(mask, op, value), positive));
        }
        Term term = term(left).orElseThrow(() -> new Unsolvable("comparison of " + e.left() + " and " + e.right()));
        Optional<Term> other = term(right);
        if (other.isPresent()) {
            if (op != Expr.CompareOp.EQ) {
                throw new Unsolvable("two terms compared with " + op.symbol);
            }
            return add(states, new Link(term, other.get(), positive));
        }
        if (right instanceof Expr.DurationLit d && term.time()) {
            return add(states, new Atom(term, elapsed(op, d.nanos()), positive));
        }
        if (op == Expr.CompareOp.MATCH && right instanceof Expr.StringLit s) { // =~ "memfd*": a pattern
            return add(
                    states, new Atom(term, Patterns.pred(s.value(), term.path(), term.ignoreCase(), false), positive));
        }
        Pred pred = switch (op) {
            case EQ, MATCH -> literal(term, right);
            default -> ordered(op, intValue(right));
        };
        return add(states, new Atom(term, pred, positive));
    }

    private List<State> member(Expr.Member e, boolean want, List<State> states) throws Unsolvable {
        if (e.op() == Expr.MemberOp.ALL_IN) {
            throw new Unsolvable("allin");
        }
        boolean positive = e.op() == Expr.MemberOp.IN ? want : !want;
        Optional<Term> value = term(e.value());
        Optional<Term> array = term(e.array());
        if (value.isPresent() && array.isPresent()) {
            return add(states, new Link(value.get(), array.get(), positive));
        }
        if (value.isPresent() && e.array() instanceof Expr.ArrayLit members) {
            List<Pred> preds = new ArrayList<>();
            for (Expr member : members.members()) {
                preds.add(literal(value.get(), member));
            }
            return add(states, new Atom(value.get(), any(preds), positive));
        }
        if (array.isPresent()) { // "literal" in field: one of the field's values is it
            return add(states, new Atom(array.get(), literal(array.get(), e.value()), positive));
        }
        throw new Unsolvable("membership of " + e.value() + " in " + e.array());
    }

    private static boolean isTermish(Expr expr) {
        return expr instanceof Expr.Ident || expr instanceof Expr.Variable || expr instanceof Expr.Bitwise;
    }

    private static long intValue(Expr expr) throws Unsolvable {
        return switch (expr) {
            case Expr.IntLit i -> i.value();
            case Expr.Unary u when u.op() == Expr.UnaryOp.NEGATE -> -intValue(u.operand());
            case Expr.Unary u when u.op() == Expr.UnaryOp.BIT_NOT -> ~intValue(u.operand());
            case Expr.Bitwise b ->
                switch (b.op()) {
                    case '|' -> intValue(b.left()) | intValue(b.right());
                    case '&' -> intValue(b.left()) & intValue(b.right());
                    default -> intValue(b.left()) ^ intValue(b.right());
                };
            case Expr.Arithmetic a ->
                a.op() == '+' ? intValue(a.left()) + intValue(a.right()) : intValue(a.left()) - intValue(a.right());
            default -> throw new Unsolvable("not an integer: " + expr);
        };
    }

    // ---- predicates on one value

    private static Pred equal(Term term, Object value) {
        return new Pred() {
            @Override
            public boolean test(Object candidate) {
                return term.ignoreCase() && value instanceof String s && candidate instanceof String c
                        ? s.equalsIgnoreCase(c)
                        : value.equals(candidate);
            }

            @Override
            public List<Object> candidates() {
                return List.of(value);
            }
        };
    }

    private static Pred any(List<Pred> preds) {
        return new Pred() {
            @Override
            public boolean test(Object candidate) {
                return preds.stream().anyMatch(pred -> pred.test(candidate));
            }

            @Override
            public List<Object> candidates() {
                List<Object> out = new ArrayList<>();
                preds.forEach(pred -> out.addAll(pred.candidates()));
                return out;
            }
        };
    }

    /** A string, pattern, regex, integer or boolean literal compared for equality (or match). */
    private static Pred literal(Term term, Expr literal) throws Unsolvable {
        return switch (literal) {
            case Expr.StringLit s
            when term.type() == FieldType.STRING -> {
                if (s.value().contains("${") || s.value().contains("%{")) {
                    throw new Unsolvable("a string with variables");
                }
                yield equal(term, s.value());
            }
            case Expr.StringLit s when term.type() == FieldType.IP -> equal(term, s.value());
            case Expr.PatternLit p -> Patterns.pred(p.pattern(), term.path(), term.ignoreCase(), false);
            case Expr.RegexLit r -> Patterns.pred(r.regex(), false, false, true);
            case Expr.IntLit i -> equal(term, i.value());
            case Expr.Ident i
            when i.name().equals("true") || i.name().equals("false") -> equal(term, Boolean.valueOf(i.name()));
            case Expr.Unary u -> equal(term, intValue(u));
            case Expr.Bitwise b -> equal(term, intValue(b));
            case Expr.IpLit ip -> Patterns.ip(ip.text());
            default -> throw new Unsolvable("literal " + literal + " for " + term.name());
        };
    }

    private static Pred ordered(Expr.CompareOp op, long bound) {
        return new Pred() {
            @Override
            public boolean test(Object candidate) {
                long x = (Long) candidate;
                return switch (op) {
                    case LT -> x < bound;
                    case LE -> x <= bound;
                    case GT -> x > bound;
                    default -> x >= bound;
                };
            }

            @Override
            public List<Object> candidates() {
                return List.of(bound, bound + 1, bound - 1);
            }
        };
    }

    private static Pred masked(long mask, Expr.CompareOp op, long value) {
        return new Pred() {
            @Override
            public boolean test(Object candidate) {
                long x = (Long) candidate & mask;
                return switch (op) {
                    case EQ -> x == value;
                    case LT -> x < value;
                    case LE -> x <= value;
                    case GT -> x > value;
                    case GE -> x >= value;
                    default -> throw new IllegalStateException(op.symbol);
                };
            }

            @Override
            public List<Object> candidates() {
                // the lowest bit of the mask first (one real flag), then the whole mask, then the value itself
                return List.of(Long.lowestOneBit(mask), mask, value, 0L);
            }
        };
    }

    /** A time field against a duration: the time elapsed since it, at {@link #NOW}. */
    private static Pred elapsed(Expr.CompareOp op, long duration) {
        Pred inner = ordered(op, duration);
        return new Pred() {
            @Override
            public boolean test(Object candidate) {
                return inner.test(NOW - (Long) candidate);
            }

            @Override
            public List<Object> candidates() {
                return List.of(NOW - duration / 2, NOW - 2 * duration, NOW - duration);
            }
        };
    }

    // ---- values

    private Optional<Solution> concretize(State state) {
        Map<Term, List<Atom>> atoms = new LinkedHashMap<>();
        for (Atom atom : state.atoms()) {
            atoms.computeIfAbsent(atom.term(), t -> new ArrayList<>()).add(atom);
        }
        Set<Term> order = new LinkedHashSet<>();
        // terms tested against literals first, then those only linked to others, variables last
        atoms.keySet().stream().filter(t -> !t.variable()).forEach(order::add);
        for (Link link : state.links()) {
            if (!link.a().variable()) {
                order.add(link.a());
            }
            if (!link.b().variable()) {
                order.add(link.b());
            }
        }
        atoms.keySet().forEach(order::add);
        state.links().forEach(link -> {
            order.add(link.a());
            order.add(link.b());
        });
        Map<Term, List<Object>> values = new LinkedHashMap<>();
        for (Term term : order) {
            List<Atom> own = atoms.getOrDefault(term, List.of());
            Optional<List<Object>> chosen = choose(term, own, state.links(), values);
            if (chosen.isEmpty()) {
                return Optional.empty();
            }
            values.put(term, chosen.get());
        }
        for (Link link : state.links()) {
            if (linked(values.get(link.a()), values.get(link.b()), link.a()) != link.positive()) {
                return Optional.empty();
            }
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, Object> vars = new LinkedHashMap<>();
        values.forEach((term, list) -> {
            if (term.variable()) {
                if (!list.isEmpty()) {
                    vars.put(term.name(), list);
                }
            } else {
                fields.put(term.name(), term.multiple() ? list : list.getFirst());
            }
        });
        return Optional.of(new Solution(fields, vars, NOW));
    }

    private static boolean linked(@Nullable List<Object> a, @Nullable List<Object> b, Term aTerm) {
        if (a == null || b == null) {
            return false;
        }
        for (Object x : a) {
            for (Object y : b) {
                if (aTerm.ignoreCase() && x instanceof String s && y instanceof String t
                        ? s.equalsIgnoreCase(t)
                        : x.equals(y)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The term's values: an empty list is an unset variable, or a field of several values with none. */
    private Optional<List<Object>> choose(Term term, List<Atom> own, List<Link> links, Map<Term, List<Object>> known) {
        List<Object> fromLinks = new ArrayList<>();
        List<Link> checkable = new ArrayList<>();
        for (Link link : links) {
            Term other = link.a().equals(term) ? link.b() : link.b().equals(term) ? link.a() : null;
            if (other != null && known.containsKey(other)) {
                checkable.add(link);
                if (link.positive()) {
                    fromLinks.addAll(known.get(other));
                }
            }
        }
        java.util.function.Predicate<List<Object>> linksHold = candidate -> {
            for (Link link : checkable) {
                List<Object> a = link.a().equals(term) ? candidate : known.get(link.a());
                List<Object> b = link.b().equals(term) ? candidate : known.get(link.b());
                if (linked(a, b, link.a()) != link.positive()) {
                    return false;
                }
            }
            return true;
        };
        List<Atom> positives = own.stream().filter(Atom::positive).toList();
        List<Atom> negatives = own.stream().filter(a -> !a.positive()).toList();
        if (term.multiple()) {
            List<Object> elements = new ArrayList<>();
            for (Atom atom : positives) {
                List<Object> tries = new ArrayList<>(atom.pred().candidates());
                tries.addAll(Defaults.of(term));
                Object element = tries.stream()
                        .filter(c -> atom.pred().test(c)
                                && negatives.stream().noneMatch(n -> n.pred().test(c)))
                        .findFirst()
                        .orElse(null);
                if (element == null) {
                    return Optional.empty();
                }
                elements.add(element);
            }
            for (Object value : fromLinks) {
                List<Object> more = new ArrayList<>(elements);
                more.add(value);
                if (linksHold.test(more)
                        && negatives.stream().noneMatch(n -> n.pred().test(value))) {
                    elements = more;
                    break;
                }
            }
            List<List<Object>> options = new ArrayList<>();
            options.add(elements);
            if (elements.isEmpty() && !term.variable()) {
                for (Object c : Defaults.of(term)) {
                    options.add(0, List.of(c));
                }
                java.util.Collections.reverse(options.subList(0, options.size() - 1));
            }
            for (List<Object> option : options) {
                if (holds(option, own) && linksHold.test(option)) {
                    return Optional.of(option);
                }
            }
            return Optional.empty();
        }
        List<Object> tries = new ArrayList<>();
        if (term.variable()) {
            tries.add(Defaults.absent()); // an unset variable first
        }
        tries.addAll(fromLinks);
        positives.forEach(atom -> tries.addAll(atom.pred().candidates()));
        tries.addAll(Defaults.of(term));
        for (Object candidate : tries) {
            List<Object> option = candidate == Defaults.absent() ? List.of() : List.of(candidate);
            List<Object> read = option.isEmpty() ? List.of(zero(term)) : option;
            if (holds(read, own) && linksHold.test(read)) {
                return Optional.of(option);
            }
        }
        return Optional.empty();
    }

    private static Object zero(Term term) {
        return switch (term.type()) {
            case STRING -> "";
            case INT -> 0L;
            case BOOL -> Boolean.FALSE;
            case IP -> "0.0.0.0";
        };
    }

    private static boolean holds(List<Object> values, List<Atom> atoms) {
        for (Atom atom : atoms) {
            boolean some = values.stream().anyMatch(v -> atom.pred().test(v));
            if (some != atom.positive()) {
                return false;
            }
        }
        return true;
    }

    /** Matching written again: SECL's patterns, path globs and regexes, with strings that satisfy them. */
    static final class Patterns {
        private Patterns() {}

        static Pred pred(String text, boolean path, boolean ignoreCase, boolean regex) {
            Pattern pattern = regex ? Pattern.compile(text) : Pattern.compile(glob(text, path), flags(ignoreCase));
            List<Object> candidates = new ArrayList<>();
            for (String candidate : regex ? RegexSamples.of(text) : synthesize(text, path)) {
                if (regex
                        ? pattern.matcher(candidate).find()
                        : pattern.matcher(candidate).matches()) {
                    candidates.add(candidate);
                }
            }
            return new Pred() {
                @Override
                public boolean test(Object candidate) {
                    String s = (String) candidate;
                    return regex
                            ? pattern.matcher(s).find()
                            : pattern.matcher(s).matches();
                }

                @Override
                public List<Object> candidates() {
                    return candidates;
                }
            };
        }

        private static int flags(boolean ignoreCase) {
            return ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        }

        /**
         * A pattern as a Java regex: {@code *} any run; on a path, {@code *} stays within a segment, a final
         * {@code /**} is one or more segments, an inner {@code /**}{@code /} zero or more, and a pattern starting
         * with a {@code *} segment reads the path without its leading {@code /}.
         */
        static String glob(String text, boolean path) {
            StringBuilder out = new StringBuilder();
            String body = text;
            if (path && (body.equals("*") || body.startsWith("*/"))) {
                out.append("/?");
            }
            int i = 0;
            while (i < body.length()) {
                char c = body.charAt(i);
                if (path && body.startsWith("/**", i) && i + 3 == body.length()) {
                    out.append("/(?:[^/]+|.*/.*)");
                    break;
                } else if (path && body.startsWith("/**/", i)) {
                    out.append("/(?:[^/]+/)*");
                    i += 4;
                } else if (c == '*') {
                    out.append(path ? "[^/]*" : ".*");
                    i++;
                } else {
                    out.append(Pattern.quote(String.valueOf(c)));
                    i++;
                }
            }
            return out.toString();
        }

        /**
         * Strings the pattern matches: each {@code *} filled with nothing first (the pattern's own words), then a
         * pid under /proc, then a plain word; {@code **} a segment. On a path, only absolute clean paths.
         */
        static List<String> synthesize(String text, boolean path) {
            List<String> out = new ArrayList<>();
            for (String filler : List.of("", "4242", "x")) {
                String s = text.replace("**", "lib").replace("*", filler);
                if (path && !s.startsWith("/")) {
                    s = "/" + s;
                }
                if (!path || clean(s)) {
                    out.add(s);
                }
            }
            return out;
        }

        /** What a kernel reports as a path: absolute, no empty, {@code .} or {@code ..} segment, no trailing /. */
        static boolean clean(String path) {
            return path.equals("/")
                    || path.startsWith("/")
                            && !path.endsWith("/")
                            && !path.contains("//")
                            && !path.contains("/./")
                            && !path.contains("/../")
                            && !path.endsWith("/.")
                            && !path.endsWith("/..");
        }

        static Pred ip(String text) {
            vigil.threats.rules.event.IpNet net = vigil.threats.rules.event.IpNet.parse(text);
            return new Pred() {
                @Override
                public boolean test(Object candidate) {
                    return net.contains(vigil.threats.rules.event.IpNet.parse((String) candidate));
                }

                @Override
                public List<Object> candidates() {
                    String address = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
                    // inside a network: its first address plus one (10.0.0.0/8 -> 10.0.0.1)
                    if (text.contains("/") && address.contains(".")) {
                        String[] parts = address.split("\\.");
                        parts[3] = String.valueOf(Integer.parseInt(parts[3]) + 1);
                        address = String.join(".", parts);
                    }
                    return List.of(address);
                }
            };
        }
    }

    /** Strings known to match the policy's regular expressions, picked by hand, checked against each regex. */
    static final class RegexSamples {
        private RegexSamples() {}

        private static final List<String> SAMPLES = List.of(
                "192.168.1.10",
                "10.0.0.5",
                "[kworker/0:1]",
                "RECOVER_FILES.txt",
                "how_to_recover_your_files.txt",
                "/home/alice/report.pdf.lock",
                "/usr/lib/x86_64-linux-gnu/security/libpam.so",
                "TCP4-LISTEN:4444",
                "-A OUTPUT -d 203.0.113.7 -j ACCEPT");

        static List<String> of(String regex) {
            Pattern pattern = Pattern.compile(regex);
            List<String> out = new ArrayList<>();
            String simple = regex.replaceAll("^\\^|\\$$", "").replace("\\.", ".");
            if (simple.matches("[A-Za-z0-9_.:/ -]+")) {
                out.add(simple);
            }
            SAMPLES.stream().filter(s -> pattern.matcher(s).find()).forEach(out::add);
            return out;
        }
    }

    /** Values a real event could hold for a field nothing in the rule pins down. */
    static final class Defaults {
        private static final Object ABSENT = new Object();

        private Defaults() {}

        static Object absent() {
            return ABSENT;
        }

        static List<Object> of(Term term) {
            String name = term.name().toLowerCase(Locale.ROOT);
            return switch (term.type()) {
                case BOOL -> List.of(Boolean.FALSE, Boolean.TRUE);
                case IP -> List.of("203.0.113.7", "10.1.2.3", "2001:db8::7");
                case INT -> {
                    if (term.time()) {
                        yield List.of(NOW - 3_600_000_000_000L, NOW - 1_000_000_000L);
                    }
                    if (name.endsWith("uid")
                            || name.endsWith("gid")
                            || name.endsWith("pid")
                            || name.endsWith("port")
                            || name.endsWith("inode")
                            || name.endsWith("size")) {
                        yield List.of(1000L, 4242L, 0L, 1L, 65_534L);
                    }
                    if (name.endsWith(".mode")) {
                        yield List.of(0100644L, 0100755L, 040755L, 0L);
                    }
                    // commands, options, families, flags: small values are real ones
                    yield List.of(1L, 2L, 0L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 1000L);
                }
                case STRING -> strings(name);
            };
        }

        private static List<Object> strings(String name) {
            if (name.endsWith(".path") || name.endsWith("filename")) {
                return List.of("/opt/acme/bin/worker", "/srv/acme/data/report.csv", "/home/alice/notes.txt");
            }
            if (name.endsWith(".name") || name.endsWith(".comm") || name.endsWith("basename")) {
                return List.of("worker", "report.csv", "notes.txt");
            }
            if (name.endsWith("container.id") || name.endsWith("cgroup.id")) {
                return List.of("/system.slice/acme-worker.service", "/system.slice/acme-api.service", "/user.slice");
            }
            if (name.contains("user") || name.endsWith(".group")) {
                return List.of("alice", "www-data", "bob");
            }
            if (name.endsWith("argv") || name.endsWith(".args")) {
                return List.of("--config", "/etc/acme/worker.yaml", "-v");
            }
            return List.of("acme", "acme-worker", "value");
        }
    }
}
