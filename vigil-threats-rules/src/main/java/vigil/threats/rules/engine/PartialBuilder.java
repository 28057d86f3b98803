package vigil.threats.rules.engine;

import java.util.Map;
import vigil.threats.rules.secl.Expr;

/** Takes a rule's expression apart into a {@link Partial} tree, macros expanded, its conditions compiled one by one. */
final class PartialBuilder {
    private static final int MAX_DEPTH = 32;

    private final Compiler compiler;
    private final Map<String, Expr> macros;

    PartialBuilder(Compiler compiler, Map<String, Expr> macros) {
        this.compiler = compiler;
        this.macros = macros;
    }

    Partial.Node build(Expr expr, int depth) {
        if (depth > MAX_DEPTH) {
            return new Partial.Unknown();
        }
        return switch (expr) {
            case Expr.Logical logical
            when logical.op() == Expr.LogicalOp.AND ->
                new Partial.And(build(logical.left(), depth + 1), build(logical.right(), depth + 1));
            case Expr.Logical logical ->
                new Partial.Or(build(logical.left(), depth + 1), build(logical.right(), depth + 1));
            case Expr.Unary unary
            when unary.op() == Expr.UnaryOp.NOT -> new Partial.Not(build(unary.operand(), depth + 1));
            case Expr.Ident ident when macros.containsKey(ident.name()) -> build(macros.get(ident.name()), depth + 1);
            default -> condition(expr);
        };
    }

    private Partial.Node condition(Expr expr) {
        if (!stateless(expr)) {
            return new Partial.Unknown();
        }
        try {
            Compiler.Leaf leaf = compiler.compileLeaf(expr);
            return leaf == null ? new Partial.Unknown() : new Partial.Condition(leaf.evaluator(), leaf.fields());
        } catch (CompileException e) {
            return new Partial.Unknown(); // the rule compiled whole; a part of it that does not is only unknown
        }
    }

    /**
     * Whether a condition's answer depends on the event alone: no variable, no template, no duration (measured
     * from now), no macro other than a list of values.
     */
    private boolean stateless(Expr expr) {
        return switch (expr) {
            case Expr.Variable v -> false;
            case Expr.DurationLit d -> false;
            case Expr.StringLit s -> !s.value().contains("${") && !s.value().contains("%{");
            case Expr.Ident ident ->
                !macros.containsKey(ident.name())
                        || macros.get(ident.name()) instanceof Expr.ArrayLit list && stateless(list);
            case Expr.Logical e -> stateless(e.left()) && stateless(e.right());
            case Expr.Compare e -> stateless(e.left()) && stateless(e.right());
            case Expr.Member e -> stateless(e.value()) && stateless(e.array());
            case Expr.Arithmetic e -> stateless(e.left()) && stateless(e.right());
            case Expr.Bitwise e -> stateless(e.left()) && stateless(e.right());
            case Expr.Unary e -> stateless(e.operand());
            case Expr.ArrayLit e -> e.members().stream().allMatch(this::stateless);
            case Expr.IntLit e -> true;
            case Expr.PatternLit e -> true;
            case Expr.RegexLit e -> true;
            case Expr.IpLit e -> true;
        };
    }
}
