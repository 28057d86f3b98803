package vigil.threats.rules.falco;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses Falco's condition language (libsinsp's filter grammar): {@code or} binds loosest, then {@code and}, then
 * {@code not}; parentheses group. A check is a field, possibly in transformers ({@code tolower(fd.name)}) and with
 * an argument ({@code proc.aname[2]}), then {@code exists} or a comparison operator and a value: a bare word, a
 * quoted string, a list {@code (a, "b", list_name)} or {@code val(other.field)}.
 */
public final class ConditionParser {
    /** Operators that are words; the symbols are handled apart. */
    static final Set<String> WORD_OPERATORS = Set.of(
            "contains",
            "icontains",
            "bcontains",
            "startswith",
            "bstartswith",
            "endswith",
            "glob",
            "iglob",
            "pmatch",
            "in",
            "intersects",
            "regex",
            "exists");

    /** Operators whose value is a list in parentheses. */
    static final Set<String> LIST_OPERATORS = Set.of("in", "intersects", "pmatch");

    static final Set<String> TRANSFORMERS = Set.of("tolower", "toupper", "b64", "basename", "len");

    private final String text;
    private int at;

    private ConditionParser(String text) {
        this.text = text;
    }

    public static Condition parse(String text) throws FalcoSyntaxException {
        ConditionParser parser = new ConditionParser(text);
        parser.skipSpace();
        if (parser.at >= text.length()) {
            throw new FalcoSyntaxException(0, "empty condition");
        }
        Condition condition = parser.or();
        parser.skipSpace();
        if (parser.at < text.length()) {
            throw new FalcoSyntaxException(parser.at, "unexpected '" + parser.excerpt() + "'");
        }
        return condition;
    }

    private Condition or() throws FalcoSyntaxException {
        int start = at;
        List<Condition> operands = new ArrayList<>();
        operands.add(and());
        while (keyword("or")) {
            operands.add(and());
        }
        return operands.size() == 1 ? operands.getFirst() : new Condition.Or(operands, start);
    }

    private Condition and() throws FalcoSyntaxException {
        int start = at;
        List<Condition> operands = new ArrayList<>();
        operands.add(not());
        while (keyword("and")) {
            operands.add(not());
        }
        return operands.size() == 1 ? operands.getFirst() : new Condition.And(operands, start);
    }

    private Condition not() throws FalcoSyntaxException {
        skipSpace();
        int start = at;
        if (keyword("not")) {
            return new Condition.Not(not(), start);
        }
        return primary();
    }

    private Condition primary() throws FalcoSyntaxException {
        skipSpace();
        int start = at;
        if (peek('(')) {
            at++;
            Condition inner = or();
            expect(')');
            return inner;
        }
        String word = identifier();
        if (word == null) {
            throw new FalcoSyntaxException(
                    at,
                    at >= text.length()
                            ? "a condition ends too early"
                            : "expected a field or a macro, found '" + excerpt() + "'");
        }
        skipSpace();
        if (TRANSFORMERS.contains(word) && peek('(')) {
            return check(transformed(word, start), start);
        }
        String arg = null;
        if (peek('[')) {
            int close = text.indexOf(']', at);
            if (close < 0) {
                throw new FalcoSyntaxException(at, "a field's argument has no closing ']'");
            }
            arg = text.substring(at + 1, close);
            at = close + 1;
        }
        Condition.FieldRef field = new Condition.FieldRef(word, arg, List.of(), start);
        if (arg == null && !word.contains(".") && !operatorAhead()) {
            return new Condition.MacroRef(word, start);
        }
        return check(field, start);
    }

    /** {@code tolower(field)}, nested transformers included. */
    private Condition.FieldRef transformed(String transformer, int start) throws FalcoSyntaxException {
        expect('(');
        skipSpace();
        int inner = at;
        String word = identifier();
        if (word == null) {
            throw new FalcoSyntaxException(at, transformer + "() takes a field");
        }
        skipSpace();
        Condition.FieldRef field;
        if (TRANSFORMERS.contains(word) && peek('(')) {
            field = transformed(word, inner);
        } else {
            field = new Condition.FieldRef(word, argument(), List.of(), inner);
        }
        expect(')');
        List<String> transformers = new ArrayList<>(field.transformers());
        transformers.add(transformer);
        return new Condition.FieldRef(field.name(), field.arg(), transformers, start);
    }

    private @Nullable String argument() throws FalcoSyntaxException {
        if (!peek('[')) {
            return null;
        }
        int close = text.indexOf(']', at);
        if (close < 0) {
            throw new FalcoSyntaxException(at, "a field's argument has no closing ']'");
        }
        String arg = text.substring(at + 1, close);
        at = close + 1;
        return arg;
    }

    private Condition check(Condition.FieldRef field, int start) throws FalcoSyntaxException {
        skipSpace();
        int opAt = at;
        String op = operator();
        if (op == null) {
            throw new FalcoSyntaxException(
                    at, "expected an operator after " + field.text() + ", found '" + excerpt() + "'");
        }
        if (op.equals("exists")) {
            return new Condition.Check(field, op, new Condition.Operand.None(), start);
        }
        skipSpace();
        Condition.Operand value;
        if (LIST_OPERATORS.contains(op)) {
            if (!peek('(')) {
                throw new FalcoSyntaxException(at, "'" + op + "' takes a list in parentheses");
            }
            value = items();
        } else if (text.startsWith("val(", at)) {
            at += 4;
            skipSpace();
            int inner = at;
            String word = identifier();
            if (word == null) {
                throw new FalcoSyntaxException(at, "val() takes a field");
            }
            Condition.FieldRef other = new Condition.FieldRef(word, argument(), List.of(), inner);
            expect(')');
            value = new Condition.Operand.FieldValue(other);
        } else {
            value = scalar();
        }
        if (op.equals("==")) {
            op = "=";
        }
        if (value instanceof Condition.Operand.Items && !LIST_OPERATORS.contains(op)) {
            throw new FalcoSyntaxException(opAt, "'" + op + "' does not take a list");
        }
        return new Condition.Check(field, op, value, start);
    }

    private Condition.Operand.Items items() throws FalcoSyntaxException {
        expect('(');
        List<Condition.Operand.Scalar> items = new ArrayList<>();
        skipSpace();
        if (peek(')')) {
            at++;
            return new Condition.Operand.Items(items);
        }
        while (true) {
            items.add(scalar());
            skipSpace();
            if (peek(',')) {
                at++;
                continue;
            }
            expect(')');
            return new Condition.Operand.Items(items);
        }
    }

    private Condition.Operand.Scalar scalar() throws FalcoSyntaxException {
        skipSpace();
        if (peek('"') || peek('\'')) {
            return new Condition.Operand.Scalar(quoted(), true);
        }
        int start = at;
        while (at < text.length() && bare(text.charAt(at))) {
            at++;
        }
        if (start == at) {
            throw new FalcoSyntaxException(at, "expected a value, found '" + excerpt() + "'");
        }
        return new Condition.Operand.Scalar(text.substring(start, at), false);
    }

    /** A bare value runs to a space, a parenthesis, a comma, a quote or '='. */
    private static boolean bare(char c) {
        return !Character.isWhitespace(c) && c != '(' && c != ')' && c != ',' && c != '"' && c != '\'' && c != '=';
    }

    private String quoted() throws FalcoSyntaxException {
        int start = at;
        char quote = text.charAt(at++);
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == quote) {
                return out.toString();
            }
            if (c == '\\' && at < text.length()) {
                char next = text.charAt(at++);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case '"', '\'', '\\', '/' -> out.append(next);
                    default -> out.append('\\').append(next);
                }
            } else {
                out.append(c);
            }
        }
        throw new FalcoSyntaxException(start, "a string has no closing " + quote);
    }

    private @Nullable String operator() {
        for (String symbol : new String[] {"==", "!=", "<=", ">=", "=", "<", ">"}) {
            if (text.startsWith(symbol, at)) {
                at += symbol.length();
                return symbol;
            }
        }
        int start = at;
        String word = identifier();
        if (word != null && WORD_OPERATORS.contains(word)) {
            return word;
        }
        at = start;
        return null;
    }

    private boolean operatorAhead() {
        int start = at;
        String op = operator();
        at = start;
        return op != null;
    }

    /** A field or macro name: letters, digits, '_' and '.', starting with a letter or '_'. */
    private @Nullable String identifier() {
        int start = at;
        if (at < text.length() && (Character.isLetter(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (!Character.isLetterOrDigit(c) && c != '_' && c != '.') {
                    break;
                }
                at++;
            }
        }
        return at == start ? null : text.substring(start, at);
    }

    /** A keyword followed by a character that cannot continue a word. */
    private boolean keyword(String word) {
        skipSpace();
        int end = at + word.length();
        if (text.startsWith(word, at)
                && (end == text.length()
                        || !(Character.isLetterOrDigit(text.charAt(end))
                                || text.charAt(end) == '_'
                                || text.charAt(end) == '.'))) {
            at = end;
            return true;
        }
        return false;
    }

    private void expect(char c) throws FalcoSyntaxException {
        skipSpace();
        if (!peek(c)) {
            throw new FalcoSyntaxException(
                    at, "expected '" + c + "', found " + (at >= text.length() ? "the end" : "'" + excerpt() + "'"));
        }
        at++;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private String excerpt() {
        return text.substring(at, Math.min(text.length(), at + 20));
    }
}
