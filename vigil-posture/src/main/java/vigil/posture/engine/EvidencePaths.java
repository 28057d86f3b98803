package vigil.posture.engine;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Names, once per compiled expression, the expressions that read a resource's fields: {@code resource.a.b} is
 * {@code a.b}, {@code resource.rules.exists(r, r.port == 22)} reads {@code rules[].port}, {@code related.sg[0].x}
 * keeps its {@code related.} prefix. The evaluation listener records the values of exactly these.
 */
final class EvidencePaths {
    private EvidencePaths() {}

    /** The reads of one expression by expression id; {@code presence} holds the ids that are {@code has()} tests. */
    record Reads(Map<Long, String> paths, Set<Long> presence) {
        Reads {
            paths = Map.copyOf(paths);
            presence = Set.copyOf(presence);
        }
    }

    static Reads of(CelExpr root) {
        Map<Long, String> paths = new HashMap<>();
        walk(root, Map.of(), paths);
        Set<Long> presence = new HashSet<>();
        collectPresence(root, presence);
        return new Reads(paths, presence);
    }

    private static void collectPresence(CelExpr expr, Set<Long> presence) {
        switch (expr.exprKind().getKind()) {
            case SELECT -> {
                if (expr.select().testOnly()) {
                    presence.add(expr.id());
                }
                collectPresence(expr.select().operand(), presence);
            }
            case CALL -> {
                if (membership(expr) != null) {
                    presence.add(expr.id());
                }
                expr.call().target().ifPresent(target -> collectPresence(target, presence));
                expr.call().args().forEach(arg -> collectPresence(arg, presence));
            }
            case LIST -> expr.list().elements().forEach(element -> collectPresence(element, presence));
            case MAP ->
                expr.map().entries().forEach(entry -> {
                    collectPresence(entry.key(), presence);
                    collectPresence(entry.value(), presence);
                });
            case STRUCT -> expr.struct().entries().forEach(entry -> collectPresence(entry.value(), presence));
            case COMPREHENSION -> {
                var comprehension = expr.comprehension();
                collectPresence(comprehension.iterRange(), presence);
                collectPresence(comprehension.accuInit(), presence);
                collectPresence(comprehension.loopCondition(), presence);
                collectPresence(comprehension.loopStep(), presence);
                collectPresence(comprehension.result(), presence);
            }
            default -> {}
        }
    }

    private static void walk(CelExpr expr, Map<String, String> scope, Map<Long, String> paths) {
        String path = path(expr, scope);
        if (path != null && !path.isEmpty() && !path.endsWith("[]")) {
            paths.put(expr.id(), path);
        }
        switch (expr.exprKind().getKind()) {
            case SELECT -> walk(expr.select().operand(), scope, paths);
            case CALL -> {
                expr.call().target().ifPresent(target -> walk(target, scope, paths));
                expr.call().args().forEach(arg -> walk(arg, scope, paths));
            }
            case LIST -> expr.list().elements().forEach(element -> walk(element, scope, paths));
            case MAP ->
                expr.map().entries().forEach(entry -> {
                    walk(entry.key(), scope, paths);
                    walk(entry.value(), scope, paths);
                });
            case STRUCT -> expr.struct().entries().forEach(entry -> walk(entry.value(), scope, paths));
            case COMPREHENSION -> {
                var comprehension = expr.comprehension();
                walk(comprehension.iterRange(), scope, paths);
                walk(comprehension.accuInit(), scope, paths);
                Map<String, String> inner = new HashMap<>(scope);
                String range = path(comprehension.iterRange(), scope);
                inner.remove(comprehension.accuVar());
                if (range != null) {
                    inner.put(comprehension.iterVar(), range + "[]");
                } else {
                    inner.remove(comprehension.iterVar());
                }
                walk(comprehension.loopCondition(), inner, paths);
                walk(comprehension.loopStep(), inner, paths);
                walk(comprehension.result(), inner, paths);
            }
            default -> {}
        }
    }

    /** The path an expression reads, or null when it is not a read of a resource's field. */
    private static @Nullable String path(CelExpr expr, Map<String, String> scope) {
        return switch (expr.exprKind().getKind()) {
            case IDENT -> {
                String name = expr.ident().name();
                if (name.equals(PostureEngine.RESOURCE)) {
                    yield "";
                }
                if (name.equals(PostureEngine.RELATED)) {
                    yield PostureEngine.RELATED;
                }
                yield scope.get(name);
            }
            case SELECT -> {
                String operand = path(expr.select().operand(), scope);
                yield operand == null ? null : join(operand, expr.select().field());
            }
            case CALL -> {
                var call = expr.call();
                CelExpr[] member = membership(expr);
                if (member != null) {
                    String map = path(member[1], scope);
                    yield map == null ? null : join(map, member[0].constant().stringValue());
                }
                if (!call.function().equals("_[_]") || call.args().size() != 2) {
                    yield null;
                }
                String operand = path(call.args().get(0), scope);
                CelExpr index = call.args().get(1);
                if (operand == null || index.exprKind().getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                    yield null;
                }
                CelConstant constant = index.constant();
                yield switch (constant.getKind()) {
                    case STRING_VALUE -> join(operand, constant.stringValue());
                    case INT64_VALUE -> operand + "[" + constant.int64Value() + "]";
                    default -> null;
                };
            }
            default -> null;
        };
    }

    /** {@code "key" in map}: the key and the map, read as a presence test of {@code map.key}; else null. */
    private static CelExpr @Nullable [] membership(CelExpr expr) {
        if (expr.exprKind().getKind() != CelExpr.ExprKind.Kind.CALL) {
            return null;
        }
        var call = expr.call();
        if (!call.function().equals("@in") || call.args().size() != 2) {
            return null;
        }
        CelExpr key = call.args().get(0);
        if (key.exprKind().getKind() != CelExpr.ExprKind.Kind.CONSTANT
                || key.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            return null;
        }
        return new CelExpr[] {key, call.args().get(1)};
    }

    private static String join(String operand, String field) {
        return operand.isEmpty() ? field : operand + "." + field;
    }
}
