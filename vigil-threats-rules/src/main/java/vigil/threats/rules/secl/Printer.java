package vigil.threats.rules.secl;

import java.util.stream.Collectors;

/**
 * Prints an expression as SECL that parses back to the same tree: every operation in parentheses, strings with the
 * escapes the lexer reads, patterns and regular expressions as they were written.
 */
public final class Printer {
    private Printer() {}

    public static String print(Expr expr) {
        return switch (expr) {
            case Expr.Logical e -> "(" + print(e.left()) + " " + e.op().symbol + " " + print(e.right()) + ")";
            case Expr.Compare e -> "(" + print(e.left()) + " " + e.op().symbol + " " + print(e.right()) + ")";
            case Expr.Member e -> "(" + print(e.value()) + " " + e.op().symbol + " " + print(e.array()) + ")";
            case Expr.Arithmetic e -> "(" + print(e.left()) + " " + e.op() + " " + print(e.right()) + ")";
            case Expr.Bitwise e -> "(" + print(e.left()) + " " + e.op() + " " + print(e.right()) + ")";
            case Expr.Unary e -> "(" + e.op().symbol + " " + print(e.operand()) + ")";
            case Expr.Ident e -> e.name();
            case Expr.Variable e -> "${" + e.name() + "}";
            // a negative literal in parentheses: "x - -1" would read as "x - (-1)" anyway, "--1" would not lex
            case Expr.IntLit e -> e.value() < 0 ? "(" + e.value() + ")" : Long.toString(e.value());
            case Expr.DurationLit e -> e.text();
            case Expr.StringLit e -> quote(e.value());
            case Expr.PatternLit e -> "~\"" + e.pattern() + "\"";
            case Expr.RegexLit e -> "r\"" + e.regex() + "\"";
            case Expr.IpLit e -> e.text();
            // members as written (a negative integer needs no parentheses there), and a space before the closing
            // bracket: names may contain ']' (process.ancestors[A]), so "[O_CREAT]" would read as one name
            case Expr.ArrayLit e ->
                e.members().stream().map(Printer::member).collect(Collectors.joining(", ", "[", " ]"));
        };
    }

    private static String member(Expr member) {
        return member instanceof Expr.IntLit literal ? Long.toString(literal.value()) : print(member);
    }

    /** A string as a SECL string literal (Go's escapes). */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
