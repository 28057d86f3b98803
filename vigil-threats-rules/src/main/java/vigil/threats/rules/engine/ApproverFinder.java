package vigil.threats.rules.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;
import vigil.threats.rules.secl.Expr;

/**
 * Finds a compiled rule's {@link Approver}: walks its expression (macros expanded) for conditions every match meets.
 * Only an optimisation: whatever it cannot read (variables, registers, negations, comparisons with fields) gives no
 * approver, and the rule then runs for every event of its type.
 */
final class ApproverFinder {
    /** Macros nest a few levels; a bound keeps a hostile policy from recursing without end. */
    private static final int MAX_DEPTH = 32;

    private final FieldCatalog catalog;
    private final Map<String, Expr> macros;
    private final Compiler compiler;
    private final String eventType;

    ApproverFinder(FieldCatalog catalog, Map<String, Expr> macros, Compiler compiler, String eventType) {
        this.catalog = catalog;
        this.macros = macros;
        this.compiler = compiler;
        this.eventType = eventType;
    }

    @Nullable
    Approver find(Expr expr) {
        return find(expr, 0);
    }

    private @Nullable Approver find(Expr expr, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        return switch (expr) {
            case Expr.Logical logical
            when logical.op() == Expr.LogicalOp.AND -> {
                Approver left = find(logical.left(), depth + 1);
                Approver right = find(logical.right(), depth + 1);
                yield left == null ? right : right == null || left.weight() <= right.weight() ? left : right;
            }
            case Expr.Logical logical -> {
                Approver left = find(logical.left(), depth + 1);
                Approver right = left == null ? null : find(logical.right(), depth + 1);
                if (left == null || right == null) {
                    yield null;
                }
                List<Approver.Atom> both = new ArrayList<>(left.atoms());
                both.addAll(right.atoms());
                yield new Approver(both);
            }
            case Expr.Ident ident when macros.containsKey(ident.name()) -> find(macros.get(ident.name()), depth + 1);
            case Expr.Ident ident -> {
                Field field = field(ident);
                yield field != null && field.type() == FieldType.BOOL ? one(new Approver.True(field)) : null;
            }
            case Expr.Compare compare -> compare(compare);
            case Expr.Member member when member.op() == Expr.MemberOp.IN -> member(member);
            default -> null;
        };
    }

    private static Approver one(Approver.Atom atom) {
        return new Approver(List.of(atom));
    }

    /** A field of this rule's event type named directly (not a macro, not a register). */
    private @Nullable Field field(Expr expr) {
        if (!(expr instanceof Expr.Ident ident) || macros.containsKey(ident.name())) {
            return null;
        }
        Field field = catalog.find(ident.name()).orElse(null);
        return field != null && field.belongsTo(eventType) ? field : null;
    }

    private @Nullable Approver compare(Expr.Compare compare) {
        Field leftField = field(compare.left());
        Field field = leftField != null ? leftField : field(compare.right());
        Expr other = leftField != null ? compare.right() : compare.left();
        switch (compare.op()) {
            case EQ, MATCH -> {
                if (field == null) {
                    return null;
                }
                return switch (field.type()) {
                    case STRING -> {
                        Typed.Literal literal = literalOf(other, compare.op() == Expr.CompareOp.MATCH);
                        yield literal == null ? null : strings(field, List.of(literal));
                    }
                    case INT -> {
                        Long value = compare.op() == Expr.CompareOp.EQ ? intOf(other) : null;
                        yield value == null ? null : one(new Approver.Ints(field, Set.of(value)));
                    }
                    case BOOL ->
                        other instanceof Expr.Ident name && name.name().equals("true")
                                ? one(new Approver.True(field))
                                : null;
                    case IP -> null;
                };
            }
            case NE -> {
                // on a field of one value: f != "", f != 0 (only events where it is set), f != false (it is true)
                if (field == null || field.multiple()) {
                    return null;
                }
                return switch (field.type()) {
                    case STRING ->
                        other instanceof Expr.StringLit s && s.value().isEmpty()
                                ? one(new Approver.NotZero(field))
                                : null;
                    case INT -> {
                        Long value = intOf(other);
                        yield value != null && value == 0 ? one(new Approver.NotZero(field)) : null;
                    }
                    case BOOL ->
                        other instanceof Expr.Ident name && name.name().equals("false")
                                ? one(new Approver.True(field))
                                : null;
                    case IP -> null;
                };
            }
            case GT -> {
                // f & MASK > 0
                Long zero = intOf(compare.right());
                return zero != null && zero == 0 ? flags(compare.left()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code f & MASK} with a constant mask, as a condition that one of its bits is set. */
    private @Nullable Approver flags(Expr expr) {
        if (!(expr instanceof Expr.Bitwise bitwise) || bitwise.op() != '&') {
            return null;
        }
        Field leftField = field(bitwise.left());
        Field field = leftField != null ? leftField : field(bitwise.right());
        if (field == null || field.type() != FieldType.INT) {
            return null;
        }
        Long mask = intOf(leftField != null ? bitwise.right() : bitwise.left());
        return mask == null ? null : one(new Approver.Flags(field, mask));
    }

    private @Nullable Approver member(Expr.Member member) {
        Field field = field(member.value());
        Expr array = member.array();
        if (array instanceof Expr.Ident ident && macros.get(ident.name()) instanceof Expr.ArrayLit list) {
            array = list;
        }
        if (field == null) {
            // "value" in a field of several strings: one of them is the value
            Field many = field(array);
            Typed.Literal literal = literalOf(member.value(), false);
            return many != null && many.type() == FieldType.STRING && literal != null
                    ? strings(many, List.of(literal))
                    : null;
        }
        if (!(array instanceof Expr.ArrayLit literal) || literal.members().isEmpty()) {
            return null;
        }
        if (field.type() == FieldType.INT) {
            Set<Long> values = new HashSet<>();
            for (Expr item : literal.members()) {
                Long value = intOf(item);
                if (value == null) {
                    return null;
                }
                values.add(value);
            }
            return one(new Approver.Ints(field, values));
        }
        if (field.type() != FieldType.STRING) {
            return null;
        }
        List<Typed.Literal> literals = new ArrayList<>();
        for (Expr item : literal.members()) {
            Typed.Literal one = literalOf(item, false);
            if (one == null) {
                return null;
            }
            literals.add(one);
        }
        return strings(field, literals);
    }

    private @Nullable Approver strings(Field field, List<Typed.Literal> literals) {
        Typed.StringOptions options = Compiler.options(field);
        Set<String> values = new HashSet<>();
        List<StringMatcher> patterns = new ArrayList<>();
        for (Typed.Literal literal : literals) {
            if (literal.kind() == Typed.LiteralKind.VALUE) {
                values.add(options.ignoreCase() ? literal.text().toLowerCase(Locale.ROOT) : literal.text());
                continue;
            }
            try {
                patterns.add(Compiler.matcher(options, literal));
            } catch (CompileException e) {
                return null; // the rule compiled, so this cannot happen; an approver is only an optimisation
            }
        }
        return one(new Approver.Strings(field, values, patterns, options.ignoreCase()));
    }

    /** A string written in the expression, or null (a field, a variable, a template: not known beforehand). */
    private static Typed.@Nullable Literal literalOf(Expr expr, boolean pattern) {
        return switch (expr) {
            case Expr.StringLit s
            when !s.value().contains("${") && !s.value().contains("%{") ->
                new Typed.Literal(pattern ? Typed.LiteralKind.PATTERN : Typed.LiteralKind.VALUE, s.value(), s.pos());
            case Expr.PatternLit p -> new Typed.Literal(Typed.LiteralKind.PATTERN, p.pattern(), p.pos());
            case Expr.RegexLit r -> new Typed.Literal(Typed.LiteralKind.REGEX, r.regex(), r.pos());
            default -> null;
        };
    }

    /** An integer known when the rule compiles (a number, a constant, an expression of them), or null. */
    private @Nullable Long intOf(Expr expr) {
        if (expr instanceof Expr.IntLit literal) {
            return literal.value();
        }
        if (expr instanceof Expr.Ident ident && macros.containsKey(ident.name())
                || !(expr instanceof Expr.Ident || expr instanceof Expr.Bitwise || expr instanceof Expr.Arithmetic)) {
            return null;
        }
        try {
            return compiler.compilePart(expr) instanceof Typed.Ints ints
                            && !ints.duration()
                            && ints.constant() != null
                            && ints.constant().length == 1
                    ? ints.constant()[0]
                    : null;
        } catch (CompileException e) {
            return null;
        }
    }
}
