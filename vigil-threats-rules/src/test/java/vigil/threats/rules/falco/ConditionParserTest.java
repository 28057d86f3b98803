package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionParserTest {
    /** A compact rendering of the tree, to compare shapes. */
    static String show(Condition condition) {
        return switch (condition) {
            case Condition.And and ->
                "and("
                        + String.join(
                                ", ",
                                and.operands().stream()
                                        .map(ConditionParserTest::show)
                                        .toList()) + ")";
            case Condition.Or or ->
                "or("
                        + String.join(
                                ", ",
                                or.operands().stream()
                                        .map(ConditionParserTest::show)
                                        .toList()) + ")";
            case Condition.Not not -> "not(" + show(not.operand()) + ")";
            case Condition.MacroRef ref -> ref.name();
            case Condition.Check check ->
                check.field().text() + " " + check.op()
                        + switch (check.value()) {
                            case Condition.Operand.None none -> "";
                            case Condition.Operand.Scalar s -> " " + (s.quoted() ? "'" + s.text() + "'" : s.text());
                            case Condition.Operand.Items items ->
                                " "
                                        + items.items().stream()
                                                .map(s -> s.quoted() ? "'" + s.text() + "'" : s.text())
                                                .toList();
                            case Condition.Operand.FieldValue v ->
                                " val(" + v.field().text() + ")";
                        };
        };
    }

    static String parse(String text) throws FalcoSyntaxException {
        return show(ConditionParser.parse(text));
    }

    @Test
    void notBindsTighterThanAndTighterThanOr() throws Exception {
        assertEquals("or(a, and(b, not(c)))", parse("a or b and not c"));
        assertEquals("or(and(not(a), b), c)", parse("not a and b or c"));
        assertEquals("and(a, or(b, c))", parse("a and (b or c)"));
        assertEquals("not(not(a))", parse("not not a"));
        assertEquals("not(or(a, b))", parse("not (a or b)"));
    }

    @Test
    void comparisonOperators() throws Exception {
        assertEquals("proc.name = bash", parse("proc.name=bash"));
        assertEquals("proc.name = bash", parse("proc.name == bash"));
        for (String op : List.of("!=", "<", "<=", ">", ">=")) {
            assertEquals("fd.num " + op + " 3", parse("fd.num " + op + " 3"));
        }
        for (String op : List.of(
                "contains",
                "icontains",
                "bcontains",
                "startswith",
                "bstartswith",
                "endswith",
                "glob",
                "iglob",
                "regex")) {
            assertEquals("fd.name " + op + " x", parse("fd.name " + op + " x"));
        }
        assertEquals("proc.pname exists", parse("proc.pname exists"));
        assertEquals("not(proc.pname exists)", parse("not proc.pname exists"));
    }

    @Test
    void listsAndListOperators() throws Exception {
        assertEquals(
                "proc.name in [bash, 'a b', shell_binaries]", parse("proc.name in (bash, \"a b\", shell_binaries)"));
        assertEquals("fd.name pmatch [/etc, /usr]", parse("fd.name pmatch (/etc, /usr)"));
        assertEquals("proc.args intersects ['-V', '-l']", parse("proc.args intersects (\"-V\", \"-l\")"));
        assertEquals("proc.name in []", parse("proc.name in ()"));
        assertThrows(FalcoSyntaxException.class, () -> parse("proc.name in bash"));
        assertThrows(FalcoSyntaxException.class, () -> parse("proc.name = (a, b)"));
    }

    @Test
    void valuesBareQuotedAndEscaped() throws Exception {
        assertEquals("proc.pname in [runc:[0:PARENT], runc]", parse("proc.pname in (runc:[0:PARENT], runc)"));
        assertEquals("evt.dir = <", parse("evt.dir=<"));
        assertEquals("proc.cmdline = 'say \"hi\"'", parse("proc.cmdline = 'say \"hi\"'"));
        assertEquals("proc.cmdline = 'a\"b'", parse("proc.cmdline = \"a\\\"b\""));
        assertEquals("fd.typechar = 'f'", parse("fd.typechar='f'"));
    }

    @Test
    void fieldArgumentsTransformersAndVal() throws Exception {
        assertEquals("proc.aname[2] = sshd", parse("proc.aname[2]=sshd"));
        assertEquals(
                "container.mount.dest[/var/run/docker.sock] exists",
                parse("container.mount.dest[/var/run/docker.sock] exists"));
        assertEquals("evt.arg[0] = x", parse("evt.arg[0] = x"));
        assertEquals("tolower(proc.name) = bash", parse("tolower(proc.name) = bash"));
        assertEquals("toupper(basename(fd.name)) = X", parse("toupper(basename(fd.name)) = X"));
        assertEquals("proc.name = val(proc.pname)", parse("proc.name = val(proc.pname)"));
        Condition.Check check =
                assertInstanceOf(Condition.Check.class, ConditionParser.parse("b64(proc.args) contains x"));
        assertEquals(List.of("b64"), check.field().transformers());
    }

    @Test
    void errorsSayWhere() {
        FalcoSyntaxException e = assertThrows(FalcoSyntaxException.class, () -> parse("proc.name = bash and"));
        assertEquals(20, e.offset());
        e = assertThrows(FalcoSyntaxException.class, () -> parse("proc.name bash"));
        assertEquals(10, e.offset());
        e = assertThrows(FalcoSyntaxException.class, () -> parse("(a or b"));
        assertEquals(7, e.offset());
        e = assertThrows(FalcoSyntaxException.class, () -> parse("proc.name = \"open"));
        assertEquals(12, e.offset());
        assertThrows(FalcoSyntaxException.class, () -> parse(""));
        assertThrows(FalcoSyntaxException.class, () -> parse("a b"));
    }
}
