package vigil.threats.rules.secl;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SECL expression into tokens, as the reference lexer does (datadog-agent {@code pkg/security/secl/compiler
 * /ast}): comments from {@code #} or {@code //} to the end of the line; identifiers of letters, digits, {@code _},
 * {@code .}, {@code [} and {@code ]}; integers with an optional sign; durations with one unit ({@code ms}, {@code s},
 * {@code m}, {@code h}); strings with Go's escapes; patterns {@code ~"..."} and regular expressions {@code r"..."}
 * kept as written; IPv4 and IPv6 addresses and networks; variables {@code ${name}}.
 */
final class Lexer {
    /** Longer than any real expression; a longer text is refused before it is read. */
    static final int MAX_LENGTH = 1 << 20;

    private final String text;
    private int at;
    private int line = 1;
    private int lineStart;
    private final List<Token> tokens = new ArrayList<>();

    private Lexer(String text) {
        this.text = text;
    }

    static List<Token> tokens(String text) throws SeclSyntaxException {
        if (text.length() > MAX_LENGTH) {
            throw new SeclSyntaxException(new Pos(1, 1), "the expression is longer than " + MAX_LENGTH + " characters");
        }
        Lexer lexer = new Lexer(text);
        lexer.run();
        return lexer.tokens;
    }

    private Pos pos() {
        return new Pos(line, at - lineStart + 1);
    }

    private void run() throws SeclSyntaxException {
        while (true) {
            skipSpaceAndComments();
            if (at >= text.length()) {
                tokens.add(new Token(Token.Kind.END, "", pos()));
                return;
            }
            Pos start = pos();
            char c = text.charAt(at);
            if (c == '"') {
                tokens.add(new Token(Token.Kind.STRING, goString(start), start));
            } else if (c == '~' && peek(1) == '"') {
                at++;
                tokens.add(new Token(Token.Kind.PATTERN, raw(start), start));
            } else if (c == 'r' && peek(1) == '"') {
                at++;
                tokens.add(new Token(Token.Kind.REGEX, raw(start), start));
            } else if (c == '$' && peek(1) == '{') {
                tokens.add(variable(start));
            } else if (c == '%' && peek(1) == '{') {
                tokens.add(fieldReference(start));
            } else if (Character.isDigit(c) || (isHex(c) || c == ':') && looksLikeIpv6()) {
                tokens.add(number(start));
            } else if ((c == '-' || c == '+') && Character.isDigit(peek(1)) && !afterOperand()) {
                at++;
                Token number = number(start);
                if (number.kind() != Token.Kind.INT) {
                    throw new SeclSyntaxException(start, "'" + c + number.text() + "' is not a number");
                }
                tokens.add(new Token(Token.Kind.INT, c + number.text(), start));
            } else if (isAlpha(c) || c == '_') {
                int from = at;
                at = identEnd(at);
                tokens.add(new Token(Token.Kind.IDENT, text.substring(from, at), start));
            } else {
                tokens.add(operator(start));
            }
        }
    }

    private char peek(int ahead) {
        int index = at + ahead;
        return index < text.length() ? text.charAt(index) : '\0';
    }

    /** Whether the previous token ends an operand (then {@code -1} is a subtraction, not a negative number). */
    private boolean afterOperand() {
        if (tokens.isEmpty()) {
            return false;
        }
        Token last = tokens.getLast();
        return switch (last.kind()) {
            case IDENT -> !List.of("and", "or", "not", "in", "allin").contains(last.text());
            case INT, DURATION, STRING, PATTERN, REGEX, IP, CIDR, VARIABLE -> true;
            case OP -> last.text().equals(")") || last.text().equals("]");
            case END -> false;
        };
    }

    private void skipSpaceAndComments() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n') {
                at++;
                line++;
                lineStart = at;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                at++;
            } else if (c == '#' || c == '/' && peek(1) == '/') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else {
                return;
            }
        }
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /**
     * Where an identifier starting at {@code from} ends: a {@code ]} belongs to it only when it closes a {@code [} of
     * its own ({@code process.ancestors[A]}), so that the last constant of an array ({@code [PTRACE_ATTACH,
     * PTRACE_SEIZE]}) does not swallow the array's end.
     */
    private int identEnd(int from) {
        int end = from;
        int open = 0;
        while (end < text.length() && isIdentPart(text.charAt(end))) {
            char c = text.charAt(end);
            if (c == '[') {
                open++;
            } else if (c == ']') {
                if (open == 0) {
                    break;
                }
                open--;
            }
            end++;
        }
        return end;
    }

    private static boolean isIdentPart(char c) {
        return isAlpha(c) || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '[' || c == ']';
    }

    /** An IPv6 address starts here: hex digits and at least two colons before anything else. */
    private boolean looksLikeIpv6() {
        int colons = 0;
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                colons++;
            } else if (!isHex(c) && c != '.') {
                break;
            }
        }
        return colons >= 2;
    }

    /** An integer, a duration, an IPv4 or IPv6 address or network. */
    private Token number(Pos start) throws SeclSyntaxException {
        if (looksLikeIpv6()) {
            int from = at;
            while (at < text.length() && (isHex(text.charAt(at)) || text.charAt(at) == ':' || text.charAt(at) == '.')) {
                at++;
            }
            return network(start, from);
        }
        int from = at;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (peek(0) == '.' && Character.isDigit(peek(1))) {
            int dots = 0;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                dots += text.charAt(at) == '.' ? 1 : 0;
                at++;
            }
            if (dots != 3) {
                throw new SeclSyntaxException(
                        start, "'" + text.substring(from, at) + "' is neither a number nor an IP");
            }
            return network(start, from);
        }
        String digits = text.substring(from, at);
        for (String unit : List.of("ms", "s", "m", "h", "d")) {
            if (text.startsWith(unit, at) && !isIdentPart(peek(unit.length()))) {
                if (unit.equals("d")) {
                    throw new SeclSyntaxException(
                            start,
                            "invalid duration '" + digits + "d': the units are ms, s, m and h (write 24h for a day)");
                }
                at += unit.length();
                return new Token(Token.Kind.DURATION, digits + unit, start);
            }
        }
        return new Token(Token.Kind.INT, digits, start);
    }

    /** An address just read from {@code from}, and its {@code /prefix} if one follows. */
    private Token network(Pos start, int from) {
        if (peek(0) == '/' && Character.isDigit(peek(1))) {
            at++;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            return new Token(Token.Kind.CIDR, text.substring(from, at), start);
        }
        return new Token(Token.Kind.IP, text.substring(from, at), start);
    }

    /** {@code %{process.file.name}}: a field named explicitly (the same as naming it). */
    private Token fieldReference(Pos start) throws SeclSyntaxException {
        int from = at + 2;
        int end = from;
        while (end < text.length() && isIdentPart(text.charAt(end))) {
            end++;
        }
        if (end == from || end >= text.length() || text.charAt(end) != '}') {
            throw new SeclSyntaxException(start, "a field reference is written %{field}");
        }
        at = end + 1;
        return new Token(Token.Kind.IDENT, text.substring(from, end), start);
    }

    private Token variable(Pos start) throws SeclSyntaxException {
        int from = at + 2;
        int end = from;
        while (end < text.length() && (isIdentPart(text.charAt(end)) && text.charAt(end) != '[')) {
            end++;
        }
        if (end == from
                || end >= text.length()
                || text.charAt(end) != '}'
                || !(isAlpha(text.charAt(from)) || text.charAt(from) == '_')) {
            throw new SeclSyntaxException(start, "a variable is written ${name}");
        }
        at = end + 1;
        return new Token(Token.Kind.VARIABLE, text.substring(from, end), start);
    }

    /** The text between quotes as written (a pattern or a regular expression); a backslash escapes the next one. */
    private String raw(Pos start) throws SeclSyntaxException {
        int from = ++at;
        while (at < text.length() && text.charAt(at) != '"') {
            if (text.charAt(at) == '\n') {
                break;
            }
            at += text.charAt(at) == '\\' ? 2 : 1;
        }
        if (at >= text.length() || text.charAt(at) != '"') {
            throw new SeclSyntaxException(start, "unterminated pattern or regular expression");
        }
        return text.substring(from, at++);
    }

    /** A double-quoted string with Go's escapes, unquoted. */
    private String goString(Pos start) throws SeclSyntaxException {
        StringBuilder out = new StringBuilder();
        at++;
        while (true) {
            if (at >= text.length() || text.charAt(at) == '\n') {
                throw new SeclSyntaxException(start, "unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw new SeclSyntaxException(start, "unterminated string");
            }
            char e = text.charAt(at++);
            switch (e) {
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case '\\' -> out.append('\\');
                case '"' -> out.append('"');
                case 'x' -> out.append((char) hex(start, 2));
                case 'u' -> out.appendCodePoint(codePoint(start, hex(start, 4)));
                case 'U' -> out.appendCodePoint(codePoint(start, hex(start, 8)));
                default -> {
                    if (e >= '0' && e <= '7') {
                        at--;
                        int value = 0;
                        for (int i = 0; i < 3; i++) {
                            char d = peek(0);
                            if (d < '0' || d > '7') {
                                throw new SeclSyntaxException(start, "an octal escape has three digits");
                            }
                            value = value * 8 + (d - '0');
                            at++;
                        }
                        if (value > 255) {
                            throw new SeclSyntaxException(start, "octal escape above \\377");
                        }
                        out.append((char) value);
                    } else {
                        throw new SeclSyntaxException(start, "unknown escape \\" + e + " in a string");
                    }
                }
            }
        }
    }

    private int hex(Pos start, int digits) throws SeclSyntaxException {
        if (at + digits > text.length()) {
            throw new SeclSyntaxException(start, "unterminated escape in a string");
        }
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(text.charAt(at++), 16);
            if (d < 0) {
                throw new SeclSyntaxException(start, "invalid hexadecimal escape in a string");
            }
            value = value * 16 + d;
        }
        return value;
    }

    private static int codePoint(Pos start, int value) throws SeclSyntaxException {
        if (value > Character.MAX_CODE_POINT || value >= 0xD800 && value <= 0xDFFF) {
            throw new SeclSyntaxException(start, "escape of an invalid code point in a string");
        }
        return value;
    }

    private static final List<String> OPERATORS = List.of(
            "==", "!=", "<=", ">=", "=~", "!~", "&&", "||", "<", ">", "&", "|", "^", "!", "+", "-", "(", ")", "[", "]",
            ",");

    private Token operator(Pos start) throws SeclSyntaxException {
        for (String op : OPERATORS) {
            if (text.startsWith(op, at)) {
                at += op.length();
                return new Token(Token.Kind.OP, op, start);
            }
        }
        throw new SeclSyntaxException(start, "unexpected character '" + printable(text.charAt(at)) + "'");
    }

    static String printable(char c) {
        return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
