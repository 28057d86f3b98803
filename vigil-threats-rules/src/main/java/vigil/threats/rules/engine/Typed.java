package vigil.threats.rules.engine;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.IpNet;
import vigil.threats.rules.secl.Pos;

/**
 * A compiled piece of an expression and its type. Values come as arrays (one element for a single value), so a
 * field of several values (a process's ancestors, its arguments) compares like a field of one: a comparison holds
 * when it holds for one element.
 */
sealed interface Typed {
    @FunctionalInterface
    interface Read<T> {
        T read(Event event, Scope scope);
    }

    /**
     * A condition; for a field of several booleans also its {@code values}: compared with {@code ==}, {@code !=}
     * or {@code in}, such a field holds when one of its values compares (and {@code !=} is the negation of that),
     * as in the reference.
     */
    record Bool(Evaluator eval, @Nullable Read<boolean[]> values) implements Typed {
        Bool(Evaluator eval) {
            this(eval, null);
        }
    }

    /**
     * Integers; {@code constant} when known at compile time; {@code duration} when written with a unit; for a value
     * that is always one integer (a field of one value, a constant, arithmetic of those) also {@code scalar}, which
     * reads it without an array: what comparisons use when both sides have one.
     */
    record Ints(
            Read<long[]> read,
            boolean multiple,
            long @Nullable [] constant,
            boolean duration,
            boolean timestamp,
            @Nullable Scalar scalar)
            implements Typed {
        Ints(Read<long[]> read, boolean multiple, long @Nullable [] constant, boolean duration, boolean timestamp) {
            this(read, multiple, constant, duration, timestamp, null);
        }
    }

    /** One integer of an event, read without an array. */
    @FunctionalInterface
    interface Scalar {
        long read(Event event, Scope scope);
    }

    /** Strings; {@code constant} for a literal; a field's comparison options. */
    record Strings(
            Read<String[]> read, boolean multiple, @Nullable String constant, StringOptions options, int slot)
            implements Typed {
        Strings(Read<String[]> read, boolean multiple, @Nullable String constant, StringOptions options) {
            this(read, multiple, constant, options, -1);
        }

        /** Whether {@code read} reads a field's slot and nothing else (then comparisons read the slot themselves). */
        boolean plainField() {
            return slot >= 0;
        }
    }

    /**
     * How a field's strings compare: a path field's patterns are globs and its values must be absolute, clean paths;
     * a case-insensitive field ignores case in values and patterns (not in regular expressions).
     */
    record StringOptions(boolean path, boolean ignoreCase) {
        static final StringOptions PLAIN = new StringOptions(false, false);
    }

    /** A string written in an expression: a value, a pattern, a regular expression; where. */
    record Literal(LiteralKind kind, String text, Pos pos) {}

    enum LiteralKind {
        VALUE,
        PATTERN,
        REGEX
    }

    record Ips(
            Read<IpNet[]> read, boolean multiple, @Nullable IpNet constant) implements Typed {}

    /** A {@code ~"pattern"} or {@code r"regex"} literal. */
    record Match(Literal literal) implements Typed {}

    /** A literal array of strings, patterns and regular expressions (or a constant's list of strings). */
    record StringArray(List<Literal> members) implements Typed {
        public StringArray {
            members = List.copyOf(members);
        }
    }

    record IntArray(long[] values) implements Typed {}

    record IpArray(List<IpNet> values) implements Typed {}

    record BoolArray(boolean[] values) implements Typed {}

    /** The word of a type for messages. */
    static String describe(Typed typed) {
        return switch (typed) {
            case Bool b -> "a boolean";
            case Ints i -> i.duration() ? "a duration" : i.multiple() ? "integers" : "an integer";
            case Strings s -> s.multiple() ? "strings" : "a string";
            case Ips i -> "an IP address";
            case Match m -> m.literal().kind() == LiteralKind.REGEX ? "a regular expression" : "a pattern";
            case StringArray a -> "an array of strings";
            case IntArray a -> "an array of integers";
            case IpArray a -> "an array of IP addresses";
            case BoolArray a -> "an array of booleans";
        };
    }
}
