package vigil.threats.rules.secl;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses SECL with the reference grammar's shape (datadog-agent {@code pkg/security/secl/compiler/ast/secl.go}):
 *
 * <pre>
 * expression := comparison [ ("&&" | "and" | "||" | "or") expression ]      one precedence, grouped to the right
 * comparison := arithmetic [ scalar-op comparison | ("in" | "not" "in" | "allin") array ]
 * arithmetic := bitwise { ("+" | "-") bitwise }                               grouped to the left
 * bitwise    := unary [ ("&" | "|" | "^") bitwise ]                           grouped to the right
 * unary      := ("!" | "not" | "-" | "^") unary | primary
 * primary    := ident | cidr | ip | int | variable | string | pattern | regex | duration | "(" expression ")"
 * array      := cidr | variable | ident | "[" member { "," member } "]"
 * </pre>
 *
 * A macro's body may also be an array or a single primary.
 */
public final class Parser {
    /** Deeper nesting than any policy has; deeper input is refused rather than exhausting the stack. */
    static final int MAX_DEPTH = 256;

    private final List<Token> tokens;
    private int next;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** A rule's expression. */
    public static Expr parseRule(String text) throws SeclSyntaxException {
        Parser parser = new Parser(Lexer.tokens(text));
        Expr expr = parser.expression();
        parser.expectEnd();
        return expr;
    }

    /** A macro's body: an expression, or an array (a list macro). */
    public static Expr parseMacro(String text) throws SeclSyntaxException {
        Parser parser = new Parser(Lexer.tokens(text));
        Expr expr = parser.peek().isOp("[") ? parser.array() : parser.expression();
        parser.expectEnd();
        return expr;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private Token take() {
        Token token = tokens.get(next);
        if (token.kind() != Token.Kind.END) {
            next++;
        }
        return token;
    }

    private void expectEnd() throws SeclSyntaxException {
        Token token = peek();
        if (token.kind() != Token.Kind.END) {
            throw new SeclSyntaxException(
                    token.pos(), "unexpected " + describe(token) + " after a complete expression");
        }
    }

    private static String describe(Token token) {
        return switch (token.kind()) {
            case END -> "end of the expression";
            case STRING -> "string \"" + token.text() + "\"";
            default -> "'" + token.text() + "'";
        };
    }

    private void enter(Token at) throws SeclSyntaxException {
        if (++depth > MAX_DEPTH) {
            throw new SeclSyntaxException(at.pos(), "the expression nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Expr expression() throws SeclSyntaxException {
        Token first = peek();
        enter(first);
        try {
            Expr left = comparison();
            Token op = peek();
            Expr.LogicalOp logical = null;
            if (op.isOp("&&") || op.isWord("and")) {
                logical = Expr.LogicalOp.AND;
            } else if (op.isOp("||") || op.isWord("or")) {
                logical = Expr.LogicalOp.OR;
            }
            if (logical == null) {
                return left;
            }
            take();
            return new Expr.Logical(logical, left, expression(), op.pos());
        } finally {
            depth--;
        }
    }

    private Expr comparison() throws SeclSyntaxException {
        Token first = peek();
        enter(first);
        try {
            Expr left = arithmetic();
            Token op = peek();
            Expr.CompareOp compare = compareOp(op);
            if (compare != null) {
                take();
                return new Expr.Compare(compare, left, comparison(), op.pos());
            }
            if (op.isWord("in")) {
                take();
                return new Expr.Member(Expr.MemberOp.IN, left, array(), op.pos());
            }
            if (op.isWord("allin")) {
                take();
                return new Expr.Member(Expr.MemberOp.ALL_IN, left, array(), op.pos());
            }
            if (op.isWord("not") && peek(1).isWord("in")) {
                take();
                take();
                return new Expr.Member(Expr.MemberOp.NOT_IN, left, array(), op.pos());
            }
            return left;
        } finally {
            depth--;
        }
    }

    private static Expr.@org.jspecify.annotations.Nullable CompareOp compareOp(Token token) {
        if (token.kind() != Token.Kind.OP) {
            return null;
        }
        for (Expr.CompareOp op : Expr.CompareOp.values()) {
            if (op.symbol.equals(token.text())) {
                return op;
            }
        }
        return null;
    }

    private Expr arithmetic() throws SeclSyntaxException {
        Expr left = bitwise();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token op = take();
            left = new Expr.Arithmetic(op.text().charAt(0), left, bitwise(), op.pos());
        }
        return left;
    }

    private Expr bitwise() throws SeclSyntaxException {
        Token first = peek();
        enter(first);
        try {
            Expr left = unary();
            Token op = peek();
            if (op.isOp("&") || op.isOp("|") || op.isOp("^")) {
                take();
                return new Expr.Bitwise(op.text().charAt(0), left, bitwise(), op.pos());
            }
            return left;
        } finally {
            depth--;
        }
    }

    private Expr unary() throws SeclSyntaxException {
        Token op = peek();
        Expr.UnaryOp unary = op.isOp("!") || op.isWord("not") && !peek(1).isWord("in")
                ? Expr.UnaryOp.NOT
                : op.isOp("-") ? Expr.UnaryOp.NEGATE : op.isOp("^") ? Expr.UnaryOp.BIT_NOT : null;
        if (unary == null) {
            return primary();
        }
        take();
        enter(op);
        try {
            return new Expr.Unary(unary, unary(), op.pos());
        } finally {
            depth--;
        }
    }

    private Expr primary() throws SeclSyntaxException {
        Token token = take();
        return switch (token.kind()) {
            case IDENT -> {
                if (List.of("and", "or", "in", "allin").contains(token.text())) {
                    throw new SeclSyntaxException(token.pos(), "expected a value, found '" + token.text() + "'");
                }
                yield new Expr.Ident(token.text(), token.pos());
            }
            case INT -> new Expr.IntLit(integer(token), token.pos());
            case DURATION -> new Expr.DurationLit(durationNanos(token), token.text(), token.pos());
            case STRING -> new Expr.StringLit(token.text(), token.pos());
            case PATTERN -> new Expr.PatternLit(token.text(), token.pos());
            case REGEX -> new Expr.RegexLit(token.text(), token.pos());
            case IP, CIDR -> new Expr.IpLit(token.text(), token.pos());
            case VARIABLE -> new Expr.Variable(token.text(), token.pos());
            case OP -> {
                if (token.text().equals("(")) {
                    Expr inner = expression();
                    Token close = take();
                    if (!close.isOp(")")) {
                        throw new SeclSyntaxException(close.pos(), "expected ')', found " + describe(close));
                    }
                    yield inner;
                }
                throw new SeclSyntaxException(token.pos(), "expected a value, found " + describe(token));
            }
            case END -> throw new SeclSyntaxException(token.pos(), "the expression ends where a value is expected");
        };
    }

    private Expr array() throws SeclSyntaxException {
        Token token = take();
        switch (token.kind()) {
            case CIDR:
                return new Expr.IpLit(token.text(), token.pos());
            case VARIABLE:
                return new Expr.Variable(token.text(), token.pos());
            case IDENT:
                return new Expr.Ident(token.text(), token.pos());
            default:
                break;
        }
        if (!token.isOp("[")) {
            throw new SeclSyntaxException(token.pos(), "expected an array, found " + describe(token));
        }
        List<Expr> members = new ArrayList<>();
        Token.Kind kind = null;
        while (true) {
            Token member = take();
            Token.Kind family = switch (member.kind()) {
                case STRING, PATTERN, REGEX -> Token.Kind.STRING;
                case IP, CIDR -> Token.Kind.IP;
                case INT -> Token.Kind.INT;
                case IDENT -> Token.Kind.IDENT; // a constant, of whatever type the compiler finds
                default ->
                    throw new SeclSyntaxException(
                            member.pos(),
                            "an array holds strings, patterns, regular expressions, integers, IP addresses or"
                                    + " constants, not " + describe(member));
            };
            if (kind != null && kind != family && family != Token.Kind.IDENT && kind != Token.Kind.IDENT) {
                throw new SeclSyntaxException(member.pos(), "an array mixes " + name(kind) + " and " + name(family));
            }
            kind = family == Token.Kind.IDENT ? kind : family;
            members.add(
                    switch (member.kind()) {
                        case STRING -> new Expr.StringLit(member.text(), member.pos());
                        case PATTERN -> new Expr.PatternLit(member.text(), member.pos());
                        case REGEX -> new Expr.RegexLit(member.text(), member.pos());
                        case IP, CIDR -> new Expr.IpLit(member.text(), member.pos());
                        case IDENT -> new Expr.Ident(member.text(), member.pos());
                        default -> new Expr.IntLit(integer(member), member.pos());
                    });
            Token separator = take();
            if (separator.isOp("]")) {
                return new Expr.ArrayLit(members, token.pos());
            }
            if (!separator.isOp(",")) {
                throw new SeclSyntaxException(
                        separator.pos(), "expected ',' or ']' in an array, found " + describe(separator));
            }
        }
    }

    private static String name(Token.Kind kind) {
        return switch (kind) {
            case IP -> "IP addresses";
            case INT -> "integers";
            default -> "strings";
        };
    }

    private static long integer(Token token) throws SeclSyntaxException {
        try {
            return Long.parseLong(token.text().startsWith("+") ? token.text().substring(1) : token.text());
        } catch (NumberFormatException e) {
            throw new SeclSyntaxException(token.pos(), "the integer " + token.text() + " is out of range");
        }
    }

    private static long durationNanos(Token token) throws SeclSyntaxException {
        String text = token.text();
        String unit = text.endsWith("ms") ? "ms" : text.substring(text.length() - 1);
        long per = switch (unit) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(text.substring(0, text.length() - unit.length())), per);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new SeclSyntaxException(token.pos(), "the duration " + text + " is out of range");
        }
    }
}
