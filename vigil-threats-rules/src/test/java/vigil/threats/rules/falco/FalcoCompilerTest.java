package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;

/** Falco's operators and field semantics, one condition at a time. */
class FalcoCompilerTest {
    static final EventBuilder BUILDER = new EventBuilder(FieldCatalog.linux());
    static final FalcoCompiler COMPILER = new FalcoCompiler(
            FalcoFields.linux(),
            Map.of("is_open", SourceText.of("evt.type in (open, openat)", offset -> "macro")),
            Map.of("etc_dirs", List.of("/etc", "/usr/etc"), "web", List.of("nginx", "apache2")));

    static FalcoCompiler.Compiled compile(String condition) throws Exception {
        return COMPILER.compile(SourceText.of(condition, offset -> "test:" + offset));
    }

    static boolean eval(String condition, Event event) throws Exception {
        return compile(condition).evaluator().matches(event, Scope.EMPTY);
    }

    static Event open(String path) throws Exception {
        return BUILDER.build(
                "open",
                Map.of("open.file.path", path, "open.flags", 0, "process.comm", "Nginx", "process.args", "-g daemon"));
    }

    @Test
    void stringOperators() throws Exception {
        Event e = open("/etc/nginx/conf.d/site.conf");
        assertTrue(eval("fd.name = /etc/nginx/conf.d/site.conf", e));
        assertTrue(eval("fd.name contains /conf.d/", e));
        assertTrue(eval("proc.name icontains NGI", e));
        assertFalse(eval("proc.name contains ngi", e));
        assertTrue(eval("fd.name startswith /etc/", e));
        assertTrue(eval("fd.name endswith .conf", e));
        assertTrue(eval("fd.name glob '/etc/*.conf'", e), "* crosses '/' as fnmatch without FNM_PATHNAME");
        assertTrue(eval("fd.name glob '/etc/ngin?/conf.d/[a-s]ite.conf'", e));
        assertFalse(eval("fd.name glob '/etc/*.cnf'", e));
        assertTrue(eval("proc.name iglob 'nginx'", e));
        assertTrue(eval("fd.name regex '/etc/[a-z]+/.*'", e));
        assertFalse(eval("fd.name regex 'nginx'", e), "regex matches the whole value (RE2 anchored)");
        assertTrue(eval("fd.name pmatch (etc_dirs)", e));
        assertFalse(eval("fd.name pmatch (/et)", e), "a prefix of a directory name is not the directory");
        assertTrue(eval("proc.name in (Nginx, web)", e));
        assertTrue(eval("tolower(proc.name) in (web)", e), "a list reference inside the parentheses");
        assertTrue(eval("proc.name intersects (Nginx)", e));
        assertTrue(eval("fd.name bcontains 2f6e67696e78", e), "hex bytes of /nginx");
        assertTrue(eval("fd.name bstartswith 2f657463", e));
        assertTrue(eval("basename(fd.name) = site.conf", e));
        assertTrue(eval("toupper(proc.name) = NGINX", e));
        assertTrue(eval("proc.cmdline = 'Nginx -g daemon'", e));
        assertTrue(eval("evt.arg.flags = O_RDONLY", e));
    }

    @Test
    void absentFieldsFailEveryComparisonButNot() throws Exception {
        Event e = open("/etc/passwd");
        assertFalse(eval("proc.pname = bash", e));
        assertFalse(eval("proc.pname != bash", e), "a failed extraction fails != too, as in libsinsp");
        assertTrue(eval("not proc.pname = bash", e));
        assertFalse(eval("proc.pname exists", e));
        assertTrue(eval("not proc.pname exists", e));
        assertTrue(eval("proc.name exists", e));
        assertFalse(eval("proc.aname[3] = init", e));
    }

    @Test
    void numbersAndBooleans() throws Exception {
        Event e = BUILDER.build(
                "open", Map.of("open.file.path", "/x", "open.flags", 2, "open.retval", 5, "process.euid", 0));
        assertTrue(eval("fd.num >= 0 and fd.num < 6 and fd.num <= 5 and fd.num > 4", e));
        assertTrue(eval("user.uid in (0, 1000)", e));
        assertTrue(eval("user.uid != 1000", e));
        assertTrue(eval("evt.is_open_write = true and evt.is_open_read = true", e), "O_RDWR is both");
        assertThrows(FalcoCompileException.class, () -> compile("user.uid = root"));
        assertThrows(FalcoCompileException.class, () -> compile("evt.is_open_write = maybe"));
        assertThrows(FalcoCompileException.class, () -> compile("user.uid contains 0"));
    }

    @Test
    void addressesAndNetworks() throws Exception {
        Event e = BUILDER.build(
                "connect", Map.of("connect.addr.ip", "10.2.3.4", "connect.addr.port", 22, "connect.addr.family", 2));
        assertTrue(eval("fd.sip = 10.2.3.4", e));
        assertTrue(eval("fd.net = 10.0.0.0/8", e));
        assertTrue(eval("fd.snet in (\"192.168.0.0/16\", \"10.0.0.0/8\")", e));
        assertFalse(eval("fd.sip = 10.2.3.5", e));
        assertTrue(eval("fd.typechar = 4 and fd.sport = 22", e));
    }

    @Test
    void severalValuesCompareOneByOne() throws Exception {
        Event e = BUILDER.build("exec", Map.of("process.ancestors.comm", List.of("sshd", "systemd")));
        assertTrue(eval("proc.aname = systemd", e), "any ancestor");
        assertTrue(eval("proc.aname != sshd", e), "one ancestor differs, as libsinsp compares each");
        assertFalse(eval("proc.aname[1] != sshd", e));
        assertTrue(eval("proc.aname in (bash, sshd)", e));
        assertTrue(eval("evt.type = execveat", e), "an exec event is both execve and execveat");
    }

    @Test
    void fieldValuesOnTheRight() throws Exception {
        Event same = BUILDER.build("exec", Map.of("process.comm", "bash", "process.parent.comm", "bash"));
        Event other = BUILDER.build("exec", Map.of("process.comm", "bash", "process.parent.comm", "sshd"));
        assertTrue(eval("proc.name = val(proc.pname)", same));
        assertFalse(eval("proc.name = val(proc.pname)", other));
        assertTrue(eval("proc.name != val(proc.pname)", other));
    }

    @Test
    void eventTypesComeFromEvtType() throws Exception {
        assertEquals(
                Set.of("open"), compile("is_open and fd.name = /x").byType().keySet());
        assertEquals(
                Set.of("exec", "open"),
                compile("(evt.type = execve and proc.name = a) or (is_open and fd.name = /x)")
                        .byType()
                        .keySet());
        assertEquals(
                Set.of("connect"),
                compile("evt.type in (connect, sendto) and fd.sport = 22")
                        .byType()
                        .keySet());
        assertEquals(Set.of("sendto"), compile("evt.type in (connect, sendto)").unobservedSyscalls());
        assertFalse(compile("not evt.type = execve and proc.name = a").byType().containsKey("exec"));
        assertTrue(compile("proc.name = a").byType().size() > 40, "process fields: every event type");
        assertTrue(compile("fd.name = /x").byType().keySet().containsAll(Set.of("open", "unlink", "rename")));
        assertFalse(compile("fd.name = /x").byType().containsKey("exec"), "no fd.name on exec events");
        assertTrue(compile("evt.dir = < and evt.type = execve").byType().containsKey("exec"));
        assertEquals(
                Set.of(),
                compile("evt.dir = > or evt.type = execve").byType().keySet().stream()
                        .filter(t -> !t.equals("exec"))
                        .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void constantsVigilCannotNumber() throws Exception {
        Event e = open("/x");
        assertFalse(compile("evt.type = execve and not evt.num = 0").byType().isEmpty());
        assertThrows(UnsupportedException.class, () -> compile("is_open and evt.num > 10"));
        Event tty = BUILDER.build("exec", Map.of("process.tty_name", "pts1"));
        assertTrue(eval("proc.tty != 0", tty));
        assertFalse(eval("proc.tty = 0", tty));
        assertThrows(UnsupportedException.class, () -> compile("proc.tty = 34816"));
        assertFalse(eval("is_open and not evt.num = 0", BUILDER.build("exec", Map.of())));
        assertTrue(eval("is_open and not evt.num = 0", e));
        UnsupportedException never = assertThrows(UnsupportedException.class, () -> compile("is_open and evt.num = 0"));
        assertEquals("(never true)", never.what());
    }

    @Test
    void macrosAndErrors() throws Exception {
        FalcoCompileException e = assertThrows(FalcoCompileException.class, () -> compile("proc.name = a and nope"));
        assertEquals("test:18", e.location());
        assertThrows(FalcoSyntaxException.class, () -> compile("proc.name = "));
        assertThrows(FalcoCompileException.class, () -> compile("fd.name regex '('"));
    }
}
