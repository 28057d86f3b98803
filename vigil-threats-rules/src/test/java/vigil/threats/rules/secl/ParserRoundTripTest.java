package vigil.threats.rules.secl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The printer and the parser agree: a well-formed tree printed parses back to the same tree (positions aside), and
 * the expressions of Datadog's default policy print to text that parses back to the same tree and prints the same.
 */
class ParserRoundTripTest {
    static final int EXAMPLES = 5000;
    private static final Pos P = Pos.NONE;

    /** A choice among {@code n}; shrinking goes toward the first, so the simplest choice comes first. */
    static int pick(RandomnessSource in, int n) {
        return (int) in.next(Constraint.between(0, n - 1));
    }

    private static char oneOf(RandomnessSource in, String choices) {
        return choices.charAt(pick(in, choices.length()));
    }

    private static <T> T oneOf(RandomnessSource in, T[] choices) {
        return choices[pick(in, choices.length)];
    }

    private static final List<String> WORDS = List.of("and", "or", "not", "in", "allin");

    private static String name(RandomnessSource in) {
        String first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
        String rest = first + "0123456789.";
        StringBuilder out = new StringBuilder().append(first.charAt(pick(in, first.length())));
        int length = pick(in, 12);
        for (int i = 0; i < length; i++) {
            out.append(rest.charAt(pick(in, rest.length())));
        }
        String name = out.toString();
        return WORDS.contains(name) ? name + "_" : name;
    }

    private static Expr ident(RandomnessSource in) {
        return switch (pick(in, 4)) {
            case 0 -> new Expr.Ident(name(in), P);
            case 1 ->
                new Expr.Ident(
                        List.of("open.file.path", "process.uid", "O_CREAT", "true")
                                .get(pick(in, 4)),
                        P);
            // a register on an iterator
            case 2 -> new Expr.Ident(name(in) + ".ancestors[" + oneOf(in, "ABC") + "]." + name(in), P);
            default -> new Expr.Ident(name(in) + "." + name(in), P);
        };
    }

    private static long integer(RandomnessSource in) {
        return switch (pick(in, 4)) {
            case 0 -> in.next(Constraint.between(0, 100));
            case 1 -> in.next(Constraint.between(-100, -1));
            case 2 -> in.next(Constraint.none());
            default -> List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L).get(pick(in, 4));
        };
    }

    private static Expr duration(RandomnessSource in) {
        long amount = in.next(Constraint.between(0, 1_000_000));
        String[] units = {"ms", "s", "m", "h"};
        long[] per = {1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
        int unit = pick(in, units.length);
        return new Expr.DurationLit(amount * per[unit], amount + units[unit], P);
    }

    /** Any UTF-16 text: quotes, backslashes, controls, non-ASCII, supplementary characters, lone surrogates. */
    private static String text(RandomnessSource in) {
        StringBuilder out = new StringBuilder();
        int length = pick(in, 10);
        for (int i = 0; i < length; i++) {
            switch (pick(in, 6)) {
                case 0 -> out.append((char) in.next(Constraint.between('a', 'z')));
                case 1 -> out.append(oneOf(in, "\"\\\n\r\t\u0000\u0007\u001b\u007f/*${}%{}"));
                case 2 -> out.append((char) in.next(Constraint.between(0x20, 0x7e)));
                case 3 -> out.append((char) in.next(Constraint.between(0x80, 0xffff)));
                case 4 -> out.appendCodePoint((int) in.next(Constraint.between(0x10000, Character.MAX_CODE_POINT)));
                default -> out.append(oneOf(in, "é€😀日本"));
            }
        }
        return out.toString();
    }

    /** The text of a pattern or regular expression as written: no bare quote, a backslash escapes what follows. */
    private static String raw(RandomnessSource in) {
        StringBuilder out = new StringBuilder();
        int length = pick(in, 10);
        for (int i = 0; i < length; i++) {
            switch (pick(in, 5)) {
                case 0 -> out.append((char) in.next(Constraint.between('a', 'z')));
                case 1 -> out.append(oneOf(in, "*/.?+[](){}|^$~"));
                case 2 -> out.append('\\').append(oneOf(in, "\"\\dnw*."));
                case 3 -> out.append(oneOf(in, "é€😀"));
                default -> {
                    char c = (char) in.next(Constraint.between(0x20, 0x7e));
                    out.append(c == '"' || c == '\\' ? 'q' : c);
                }
            }
        }
        return out.toString();
    }

    private static String ipv4(RandomnessSource in) {
        return in.next(Constraint.between(0, 255)) + "." + in.next(Constraint.between(0, 255)) + "."
                + in.next(Constraint.between(0, 255)) + "." + in.next(Constraint.between(0, 255));
    }

    private static String ipv6(RandomnessSource in) {
        return switch (pick(in, 4)) {
            case 0 -> List.of("::1", "::", "fe80::1", "2001:db8::", "FD00::AB").get(pick(in, 5));
            case 1 -> "::ffff:" + ipv4(in);
            case 2 -> {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    out.append(i == 0 ? "" : ":").append(Long.toHexString(in.next(Constraint.between(0, 0xffff))));
                }
                yield out.toString();
            }
            default ->
                Long.toHexString(in.next(Constraint.between(0, 0xffff))) + "::"
                        + Long.toHexString(in.next(Constraint.between(0, 0xffff)));
        };
    }

    private static Expr ip(RandomnessSource in, boolean network) {
        boolean v6 = pick(in, 2) == 1;
        String address = v6 ? ipv6(in) : ipv4(in);
        return new Expr.IpLit(network ? address + "/" + in.next(Constraint.between(0, v6 ? 128 : 32)) : address, P);
    }

    private static Expr leaf(RandomnessSource in) {
        return switch (pick(in, 9)) {
            case 0 -> ident(in);
            case 1 -> new Expr.IntLit(integer(in), P);
            case 2 -> new Expr.StringLit(text(in), P);
            case 3 -> new Expr.Variable(name(in), P);
            case 4 -> duration(in);
            case 5 -> new Expr.PatternLit(raw(in), P);
            case 6 -> new Expr.RegexLit(raw(in), P);
            case 7 -> ip(in, false);
            default -> ip(in, true);
        };
    }

    /**
     * An array the parser reads: strings with patterns and regular expressions, integers, or IP addresses and
     * networks, with constants among them (last too) and negative integers.
     */
    private static Expr array(RandomnessSource in) {
        int family = pick(in, 3);
        int size = 1 + pick(in, 5);
        List<Expr> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (pick(in, 5) == 0) {
                members.add(new Expr.Ident(name(in), P));
                continue;
            }
            members.add(
                    switch (family) {
                        case 0 ->
                            switch (pick(in, 3)) {
                                case 0 -> new Expr.StringLit(text(in), P);
                                case 1 -> new Expr.PatternLit(raw(in), P);
                                default -> new Expr.RegexLit(raw(in), P);
                            };
                        case 1 -> new Expr.IntLit(integer(in) % 1_000_000_000L, P);
                        default -> ip(in, pick(in, 2) == 1);
                    });
        }
        return new Expr.ArrayLit(members, P);
    }

    /** What {@code in} may take: a literal array, a list's name, a variable, a network. */
    private static Expr arrayOperand(RandomnessSource in) {
        return switch (pick(in, 4)) {
            case 0 -> array(in);
            case 1 -> ident(in);
            case 2 -> new Expr.Variable(name(in), P);
            default -> ip(in, true);
        };
    }

    static Expr expr(RandomnessSource in, int depth) {
        if (depth == 0) {
            return leaf(in);
        }
        return switch (pick(in, 7)) {
            case 0 -> leaf(in);
            case 1 -> new Expr.Logical(oneOf(in, Expr.LogicalOp.values()), expr(in, depth - 1), expr(in, depth - 1), P);
            case 2 -> new Expr.Compare(oneOf(in, Expr.CompareOp.values()), expr(in, depth - 1), expr(in, depth - 1), P);
            case 3 -> new Expr.Member(oneOf(in, Expr.MemberOp.values()), expr(in, depth - 1), arrayOperand(in), P);
            case 4 -> new Expr.Arithmetic(oneOf(in, "+-"), expr(in, depth - 1), expr(in, depth - 1), P);
            case 5 -> new Expr.Bitwise(oneOf(in, "&|^"), expr(in, depth - 1), expr(in, depth - 1), P);
            default -> new Expr.Unary(oneOf(in, Expr.UnaryOp.values()), expr(in, depth - 1), P);
        };
    }

    static final Gen<Expr> TREES = new Gen<>() {
        @Override
        public Expr generate(RandomnessSource in) {
            return expr(in, pick(in, 6));
        }

        @Override
        public String asString(Expr expr) {
            return Printer.print(expr);
        }
    };

    @Test
    void printedTreesParseBackToThemselves() {
        qt().withExamples(EXAMPLES).withShrinkCycles(2000).forAll(TREES).checkAssert(tree -> {
            String printed = Printer.print(tree);
            try {
                assertThat(Parser.parseRule(printed)).as(printed).isEqualTo(tree);
            } catch (SeclSyntaxException e) {
                throw new AssertionError("'" + printed + "' does not parse: " + e.getMessage(), e);
            }
        });
    }

    @Test
    void printedArraysParseBackAsMacros() {
        qt().withExamples(EXAMPLES)
                .forAll(new Gen<Expr>() {
                    @Override
                    public Expr generate(RandomnessSource in) {
                        return array(in);
                    }

                    @Override
                    public String asString(Expr expr) {
                        return Printer.print(expr);
                    }
                })
                .checkAssert(array -> {
                    String printed = Printer.print(array);
                    try {
                        assertThat(Parser.parseMacro(printed)).as(printed).isEqualTo(array);
                    } catch (SeclSyntaxException e) {
                        throw new AssertionError("'" + printed + "' does not parse: " + e.getMessage(), e);
                    }
                });
    }

    @Test
    void negativeIntegerInAnArrayRoundTrips() throws SeclSyntaxException {
        Expr parsed = Parser.parseRule("process.uid in [1, -5]");
        assertThat(Parser.parseRule(Printer.print(parsed))).isEqualTo(parsed);
    }

    @Test
    void constantLastInAnArrayRoundTrips() throws SeclSyntaxException {
        Expr parsed = Parser.parseRule("open.flags in [O_CREAT, O_TRUNC ]");
        assertThat(Parser.parseRule(Printer.print(parsed))).isEqualTo(parsed);
    }

    @Test
    void aConstantRightBeforeTheArraysEndIsNotPartOfIt() throws SeclSyntaxException {
        Expr tight = Parser.parseRule("ptrace.request in [PTRACE_ATTACH, PTRACE_SEIZE] && process.pid > 1");
        Expr spaced = Parser.parseRule("ptrace.request in [ PTRACE_ATTACH, PTRACE_SEIZE ] && process.pid > 1");
        assertThat(Printer.print(tight)).isEqualTo(Printer.print(spaced));
    }

    /** The expressions of Datadog's default policy: macros (expressions or lists) and rules. */
    @SuppressWarnings("unchecked")
    static List<PolicyExpression> defaultPolicy() throws IOException {
        Path policy = Path.of(System.getProperty("vigil.fixtures", "fixtures"), "secl", "default.policy");
        try (InputStream in = Files.newInputStream(policy)) {
            Map<String, Object> root =
                    (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
            List<PolicyExpression> out = new ArrayList<>();
            for (String section : List.of("macros", "rules")) {
                for (Map<String, Object> entry : (List<Map<String, Object>>) root.get(section)) {
                    if (entry.get("expression") instanceof String expression) {
                        out.add(new PolicyExpression(
                                String.valueOf(entry.get("id")), section.equals("macros"), expression));
                    }
                }
            }
            return out;
        }
    }

    record PolicyExpression(String id, boolean macro, String text) {
        Expr parse(String source) throws SeclSyntaxException {
            return macro ? Parser.parseMacro(source) : Parser.parseRule(source);
        }
    }

    @Test
    void defaultPolicyExpressionsPrintStably() throws IOException, SeclSyntaxException {
        List<PolicyExpression> expressions = defaultPolicy();
        assertThat(expressions).hasSizeGreaterThan(300);
        for (PolicyExpression expression : expressions) {
            Expr parsed = expression.parse(expression.text());
            String printed = Printer.print(parsed);
            Expr reparsed = expression.parse(printed);
            assertThat(reparsed).as(expression.id() + ": " + printed).isEqualTo(parsed);
            assertThat(Printer.print(reparsed)).as(expression.id()).isEqualTo(printed);
        }
    }
}
