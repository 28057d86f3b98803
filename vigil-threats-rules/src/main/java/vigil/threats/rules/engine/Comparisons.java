package vigil.threats.rules.engine;

import vigil.threats.rules.event.IpNet;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Pos;

/**
 * The evaluators of comparisons ({@code ==}, {@code !=}, {@code =~}, {@code <}...) between compiled values: strings
 * against values, patterns and regular expressions, integers (times against durations), booleans, addresses.
 */
final class Comparisons {
    private Comparisons() {}

    /** {@code ==} (or {@code =~} with {@code pattern}: a plain string is then a pattern too). */
    static Evaluator equality(Typed left, Typed right, Pos pos, boolean pattern) throws CompileException {
        if (right instanceof Typed.Match || left instanceof Typed.Match) {
            Typed.Match match = right instanceof Typed.Match m ? m : (Typed.Match) left;
            Typed other = right instanceof Typed.Match ? left : right;
            if (!(other instanceof Typed.Strings strings)) {
                throw new CompileException(pos, "a pattern matches strings, not " + Typed.describe(other));
            }
            return anyString(strings, Compiler.matcher(strings.options(), match.literal()));
        }
        if (left instanceof Typed.Strings a && right instanceof Typed.Strings b) {
            String constant = b.constant() != null ? b.constant() : a.constant();
            if (constant != null) {
                Typed.Strings value = b.constant() != null ? a : b;
                Typed.Literal literal =
                        new Typed.Literal(pattern ? Typed.LiteralKind.PATTERN : Typed.LiteralKind.VALUE, constant, pos);
                return anyString(value, Compiler.matcher(value.options(), literal));
            }
            Typed.Read<String[]> ra = a.read();
            Typed.Read<String[]> rb = b.read();
            boolean ignoreCase = a.options().ignoreCase() || b.options().ignoreCase();
            return (event, scope) -> {
                String[] x = ra.read(event, scope);
                String[] y = rb.read(event, scope);
                for (String s : x) {
                    for (String t : y) {
                        if (ignoreCase ? s.equalsIgnoreCase(t) : s.equals(t)) {
                            return true;
                        }
                    }
                }
                return false;
            };
        }
        if (pattern) {
            throw new CompileException(
                    pos, "'=~' matches strings, not " + Typed.describe(left) + " and " + Typed.describe(right));
        }
        if (left instanceof Typed.Ints a && right instanceof Typed.Ints b) {
            return intCompare(a, b, (x, y) -> x == y);
        }
        if (left instanceof Typed.Bool a && right instanceof Typed.Bool b) {
            Typed.Read<boolean[]> many = a.values() != null ? a.values() : b.values();
            Evaluator other = a.values() != null ? b.eval() : a.eval();
            if (many != null) {
                return (event, scope) -> {
                    boolean wanted = other.matches(event, scope);
                    for (boolean value : many.read(event, scope)) {
                        if (value == wanted) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            Evaluator x = a.eval();
            Evaluator y = b.eval();
            return (event, scope) -> x.matches(event, scope) == y.matches(event, scope);
        }
        if (left instanceof Typed.Ips a && right instanceof Typed.Ips b) {
            Typed.Read<IpNet[]> ra = a.read();
            Typed.Read<IpNet[]> rb = b.read();
            // an address equals a network it is in, as in the reference
            return (event, scope) -> {
                for (IpNet x : ra.read(event, scope)) {
                    for (IpNet y : rb.read(event, scope)) {
                        if (x.intersects(y)) {
                            return true;
                        }
                    }
                }
                return false;
            };
        }
        throw new CompileException(pos, "cannot compare " + Typed.describe(left) + " with " + Typed.describe(right));
    }

    /**
     * One of the strings matches. On a field, the value is read from its slot here, and a plain value is compared
     * here too: the most common conditions ({@code exec.comm != ""}, {@code open.file.name == "x"}) then make one
     * call, not three through shared interfaces the JIT cannot inline.
     */
    static Evaluator anyString(Typed.Strings strings, StringMatcher matcher) {
        if (!strings.plainField()) {
            return anyString(strings.read(), matcher);
        }
        int slot = strings.slot();
        // an absent field of one value reads as ""; of several, as none
        boolean absentMatches = !strings.multiple() && matcher.matches("");
        if (matcher instanceof StringMatcher.Scalar scalar) {
            String wanted = scalar.value();
            return (event, scope) -> {
                Object value = event.valueAt(slot);
                if (value == null) {
                    return absentMatches;
                }
                for (String one : (String[]) value) {
                    if (wanted.equals(one)) {
                        return true;
                    }
                }
                return false;
            };
        }
        return (event, scope) -> {
            Object value = event.valueAt(slot);
            if (value == null) {
                return absentMatches;
            }
            for (String one : (String[]) value) {
                if (matcher.matches(one)) {
                    return true;
                }
            }
            return false;
        };
    }

    static Evaluator anyString(Typed.Read<String[]> read, StringMatcher matcher) {
        return (event, scope) -> {
            for (String value : read.read(event, scope)) {
                if (matcher.matches(value)) {
                    return true;
                }
            }
            return false;
        };
    }

    private interface LongTest {
        boolean test(long left, long right);
    }

    static Evaluator ordering(Expr.CompareOp op, Typed left, Typed right, Pos pos) throws CompileException {
        if (!(left instanceof Typed.Ints a) || !(right instanceof Typed.Ints b)) {
            throw new CompileException(
                    pos,
                    "'" + op.symbol + "' compares integers, not " + Typed.describe(left) + " and "
                            + Typed.describe(right));
        }
        LongTest test = switch (op) {
            case LT -> (x, y) -> x < y;
            case LE -> (x, y) -> x <= y;
            case GT -> (x, y) -> x > y;
            default -> (x, y) -> x >= y;
        };
        return intCompare(a, b, test);
    }

    /**
     * Integers compared; a time field against a duration compares the time elapsed since it, at the scope's now
     * ({@code container.created_at < 1s}: created less than a second ago).
     */
    private static Evaluator intCompare(Typed.Ints a, Typed.Ints b, LongTest test) {
        Typed.Read<long[]> ra = a.read();
        Typed.Read<long[]> rb = b.read();
        Typed.Scalar left = a.scalar();
        Typed.Scalar right = b.scalar();
        if (left != null && right != null) {
            // one integer each side: no arrays, no loops (flags, ports, ids: most comparisons)
            if (a.timestamp() && b.duration()) {
                return (event, scope) ->
                        test.test(scope.now(event) - left.read(event, scope), right.read(event, scope));
            }
            return (event, scope) -> test.test(left.read(event, scope), right.read(event, scope));
        }
        if (a.timestamp() && b.duration()) {
            return (event, scope) -> {
                long now = scope.now(event);
                long duration = rb.read(event, scope)[0];
                for (long time : ra.read(event, scope)) {
                    if (test.test(now - time, duration)) {
                        return true;
                    }
                }
                return false;
            };
        }
        return (event, scope) -> {
            long[] x = ra.read(event, scope);
            long[] y = rb.read(event, scope);
            for (long l : x) {
                for (long r : y) {
                    if (test.test(l, r)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }
}
