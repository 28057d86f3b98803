package vigil.threats.rules.secl;

import java.util.List;

/**
 * A SECL expression as written: the tree the parser builds and the printer prints. Names (fields, macros, constants,
 * lists) are resolved by the compiler, not here.
 */
public sealed interface Expr {
    Pos pos();

    /** {@code &&} / {@code and}, {@code ||} / {@code or}: SECL gives them one precedence and groups to the right. */
    record Logical(LogicalOp op, Expr left, Expr right, Pos pos) implements Expr {}

    /** {@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=}, {@code =~}, {@code !~}. */
    record Compare(CompareOp op, Expr left, Expr right, Pos pos) implements Expr {}

    /** {@code in}, {@code not in}, {@code allin}: membership in an array (a literal, a list macro, a variable). */
    record Member(MemberOp op, Expr value, Expr array, Pos pos) implements Expr {}

    /** {@code +}, {@code -} between integers (durations are integers of nanoseconds). */
    record Arithmetic(char op, Expr left, Expr right, Pos pos) implements Expr {}

    /** {@code &}, {@code |}, {@code ^} between integers (flags and masks). */
    record Bitwise(char op, Expr left, Expr right, Pos pos) implements Expr {}

    /** {@code !} and {@code not} (logical), {@code -} (negation), {@code ^} (bitwise not). */
    record Unary(UnaryOp op, Expr operand, Pos pos) implements Expr {}

    /** A field, macro, constant or list name ({@code process.file.path}, {@code O_CREAT}, {@code true}). */
    record Ident(String name, Pos pos) implements Expr {}

    /** {@code ${name}}: a variable set by a rule's action, or a built-in one. */
    record Variable(String name, Pos pos) implements Expr {}

    record IntLit(long value, Pos pos) implements Expr {}

    /** A duration written with its unit ({@code 10s}), as nanoseconds; {@code text} is how it was written. */
    record DurationLit(long nanos, String text, Pos pos) implements Expr {}

    record StringLit(String value, Pos pos) implements Expr {}

    /** {@code ~"..."}: {@code *} matches any run of characters. Its text is kept as written. */
    record PatternLit(String pattern, Pos pos) implements Expr {}

    /** {@code r"..."}: a regular expression, kept as written. */
    record RegexLit(String regex, Pos pos) implements Expr {}

    /** An IP address or a network ({@code 10.0.0.0/8}, {@code ::1}), as written. */
    record IpLit(String text, Pos pos) implements Expr {}

    /** {@code [a, b, ...]} of strings, patterns, regular expressions, integers or IP addresses. */
    record ArrayLit(List<Expr> members, Pos pos) implements Expr {
        public ArrayLit {
            members = List.copyOf(members);
        }
    }

    enum LogicalOp {
        AND("&&"),
        OR("||");

        public final String symbol;

        LogicalOp(String symbol) {
            this.symbol = symbol;
        }
    }

    enum CompareOp {
        EQ("=="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        MATCH("=~"),
        NOT_MATCH("!~");

        public final String symbol;

        CompareOp(String symbol) {
            this.symbol = symbol;
        }
    }

    enum MemberOp {
        IN("in"),
        NOT_IN("not in"),
        ALL_IN("allin");

        public final String symbol;

        MemberOp(String symbol) {
            this.symbol = symbol;
        }
    }

    enum UnaryOp {
        NOT("!"),
        NEGATE("-"),
        BIT_NOT("^");

        public final String symbol;

        UnaryOp(String symbol) {
            this.symbol = symbol;
        }
    }
}
