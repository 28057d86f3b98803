package vigil.threats.rules.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.IpNet;
import vigil.threats.rules.secl.Expr;

/** The evaluators of {@code in}, {@code not in} and {@code allin} between a compiled value and an array. */
final class Membership {
    private Membership() {}

    static Typed member(Expr.Member e, Typed value, Typed array) throws CompileException {
        Evaluator in;
        boolean all = e.op() == Expr.MemberOp.ALL_IN;
        if (value instanceof Typed.Match match && array instanceof Typed.Strings strings) {
            // ~"*/abc/*" in process.ancestors.file.path: one of the field's values matches the pattern
            in = Comparisons.anyString(strings.read(), Compiler.matcher(strings.options(), match.literal()));
            if (all) {
                StringMatcher matcher = Compiler.matcher(strings.options(), match.literal());
                Typed.Read<String[]> read = strings.read();
                in = (event, scope) -> {
                    for (String candidate : read.read(event, scope)) {
                        if (!matcher.matches(candidate)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
        } else if (value instanceof Typed.Bool bool && array instanceof Typed.Bool field && field.values() != null) {
            Evaluator read = bool.eval();
            Typed.Read<boolean[]> values = field.values();
            in = (event, scope) -> {
                boolean candidate = read.matches(event, scope);
                for (boolean member : values.read(event, scope)) {
                    if (member == candidate) {
                        return true;
                    }
                }
                return false;
            };
        } else if (value instanceof Typed.Bool bool && array instanceof Typed.BoolArray members) {
            Evaluator read = bool.eval();
            boolean[] values = members.values().clone();
            in = (event, scope) -> {
                boolean candidate = read.matches(event, scope);
                for (boolean member : values) {
                    if (member == candidate) {
                        return true;
                    }
                }
                return false;
            };
        } else if (value instanceof Typed.Strings strings && array instanceof Typed.StringArray members) {
            in = stringsIn(strings, members, all);
        } else if (value instanceof Typed.Strings strings && array instanceof Typed.Strings other) {
            // a field or variable of several strings used as the array
            in = stringsInDynamic(strings.read(), other.read(), all);
        } else if (value instanceof Typed.Ints ints && array instanceof Typed.IntArray members) {
            long[] values = members.values().clone();
            java.util.Arrays.sort(values);
            Typed.Read<long[]> read = ints.read();
            Typed.Scalar one = ints.scalar();
            in = one != null
                    ? (event, scope) -> java.util.Arrays.binarySearch(values, one.read(event, scope)) >= 0
                    : (event, scope) -> {
                        long[] candidates = read.read(event, scope);
                        for (long candidate : candidates) {
                            boolean found = java.util.Arrays.binarySearch(values, candidate) >= 0;
                            if (found && !all) {
                                return true;
                            }
                            if (!found && all) {
                                return false;
                            }
                        }
                        return all;
                    };
        } else if (value instanceof Typed.Ints ints && array instanceof Typed.Ints other) {
            Typed.Read<long[]> read = ints.read();
            Typed.Read<long[]> members = other.read();
            in = (event, scope) -> {
                long[] pool = members.read(event, scope);
                for (long candidate : read.read(event, scope)) {
                    boolean found = false;
                    for (long member : pool) {
                        found |= member == candidate;
                    }
                    if (found && !all) {
                        return true;
                    }
                    if (!found && all) {
                        return false;
                    }
                }
                return all;
            };
        } else if (value instanceof Typed.Ips ips && (array instanceof Typed.IpArray || array instanceof Typed.Ips)) {
            Typed.Read<IpNet[]> read = ips.read();
            // allin on one address is in (CIDRArrayContains in the reference)
            boolean manyValues = ips.multiple();
            boolean any = !manyValues;
            Typed.Read<IpNet[]> pool =
                    array instanceof Typed.IpArray literal ? fixedPool(literal.values()) : ((Typed.Ips) array).read();
            in = (event, scope) -> {
                IpNet[] members = pool.read(event, scope);
                if (all && manyValues) {
                    // the reference's allin on a field of several addresses: every value is in every member
                    for (IpNet candidate : read.read(event, scope)) {
                        for (IpNet member : members) {
                            if (!member.intersects(candidate)) {
                                return false;
                            }
                        }
                    }
                    return true;
                }
                for (IpNet candidate : read.read(event, scope)) {
                    boolean found = false;
                    for (IpNet member : members) {
                        found |= member.intersects(candidate);
                    }
                    if (found && (!all || any)) {
                        return true;
                    }
                    if (!found && all && !any) {
                        return false;
                    }
                }
                return all && !any;
            };
        } else {
            throw new CompileException(
                    e.pos(),
                    "'" + e.op().symbol + "' needs "
                            + Typed.describe(value).replace("an ", "").replace("a ", "")
                            + " and an array of the same type, not " + Typed.describe(array));
        }
        Evaluator positive = in;
        return new Typed.Bool(
                e.op() == Expr.MemberOp.NOT_IN ? (event, scope) -> !positive.matches(event, scope) : positive);
    }

    private static Typed.Read<IpNet[]> fixedPool(List<IpNet> values) {
        IpNet[] pool = values.toArray(IpNet[]::new);
        return (event, scope) -> pool;
    }

    private static Evaluator stringsIn(Typed.Strings strings, Typed.StringArray members, boolean all)
            throws CompileException {
        Typed.Read<String[]> read = strings.read();
        boolean ignoreCase = strings.options().ignoreCase();
        Set<String> scalars = new java.util.HashSet<>();
        List<StringMatcher> matchers = new ArrayList<>();
        for (Typed.Literal literal : members.members()) {
            StringMatcher matcher = Compiler.matcher(strings.options(), literal);
            if (literal.kind() == Typed.LiteralKind.VALUE) {
                scalars.add(ignoreCase ? literal.text().toLowerCase(java.util.Locale.ROOT) : literal.text());
            } else {
                matchers.add(matcher);
            }
        }
        if (!ignoreCase && matchers.isEmpty() && scalars.size() <= 4) {
            // a few values: compared one by one (a length check each) rather than hashed
            String[] few = scalars.toArray(String[]::new);
            return (event, scope) -> {
                for (String candidate : read.read(event, scope)) {
                    boolean found = false;
                    for (String member : few) {
                        if (member.equals(candidate)) {
                            found = true;
                            break;
                        }
                    }
                    if (found != all) {
                        return found;
                    }
                }
                return all;
            };
        }
        MemberTest test = new MemberTest(scalars, matchers.toArray(StringMatcher[]::new), ignoreCase);
        return (event, scope) -> {
            for (String candidate : read.read(event, scope)) {
                boolean found = test.test(candidate);
                if (found && !all) {
                    return true;
                }
                if (!found && all) {
                    return false;
                }
            }
            return all;
        };
    }

    /**
     * Whether a value is one of a list's values or matches one of its patterns, remembering recent answers by the
     * value's hash (direct-mapped, overwritten in place): events repeat their binaries, paths and names, and a
     * value's answer never changes. The memo is shared by the threads that run the rule; each slot of a table only
     * ever holds a value with that table's answer, so a racing read can miss but never answer wrong.
     */
    static final class MemberTest {
        private static final int MEMO = 256;
        private final Set<String> scalars;
        private final StringMatcher[] patterns;
        private final boolean ignoreCase;
        private final @Nullable String[] memoIn;
        private final @Nullable String[] memoOut;

        MemberTest(Set<String> scalars, StringMatcher[] patterns, boolean ignoreCase) {
            this.scalars = Set.copyOf(scalars);
            this.patterns = patterns;
            this.ignoreCase = ignoreCase;
            // a plain hash set answers as fast as the memo would, without a pattern or case to fold
            boolean memo = patterns.length > 0 || ignoreCase;
            this.memoIn = new String[memo ? MEMO : 0];
            this.memoOut = new String[memo ? MEMO : 0];
        }

        boolean test(String candidate) {
            if (memoIn.length == 0) {
                return scalars.contains(candidate);
            }
            int hash = candidate.hashCode();
            int at = (hash ^ hash >>> 16) & (MEMO - 1);
            String in = memoIn[at];
            if (in != null && (in == candidate || in.equals(candidate))) {
                return true;
            }
            String out = memoOut[at];
            if (out != null && (out == candidate || out.equals(candidate))) {
                return false;
            }
            boolean found = scalars.contains(ignoreCase ? candidate.toLowerCase(java.util.Locale.ROOT) : candidate);
            for (int i = 0; !found && i < patterns.length; i++) {
                found = patterns[i].matches(candidate);
            }
            (found ? memoIn : memoOut)[at] = candidate;
            return found;
        }
    }

    private static Evaluator stringsInDynamic(Typed.Read<String[]> read, Typed.Read<String[]> pool, boolean all) {
        return (event, scope) -> {
            String[] members = pool.read(event, scope);
            for (String candidate : read.read(event, scope)) {
                boolean found = false;
                for (String member : members) {
                    found |= member.equals(candidate);
                }
                if (found && !all) {
                    return true;
                }
                if (!found && all) {
                    return false;
                }
            }
            return all;
        };
    }
}
