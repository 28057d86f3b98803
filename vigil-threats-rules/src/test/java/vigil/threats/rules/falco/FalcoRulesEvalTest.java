package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Scope;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.EventJson;
import vigil.threats.rules.event.FieldCatalog;

/** Falco's stable rules evaluated on Vigil events: each rule on an event it must match and on near misses. */
class FalcoRulesEvalTest {
    static final EventBuilder BUILDER = new EventBuilder(FieldCatalog.linux());
    static final EventJson JSON = new EventJson(FieldCatalog.linux());
    static Map<String, FalcoRule> rules = Map.of();

    @BeforeAll
    static void load() throws IOException {
        FalcoRulesLoader loader = new FalcoRulesLoader(FalcoFields.linux());
        loader.add("falco_rules.yaml", Files.readString(FalcoRulesFixturesTest.FALCO.resolve("falco_rules.yaml")));
        Map<String, FalcoRule> byName = new HashMap<>();
        for (FalcoRule rule : loader.load().rules()) {
            byName.put(rule.name(), rule);
        }
        rules = byName;
    }

    static boolean matches(String rule, Event event) {
        FalcoRule loaded = rules.get(rule);
        assertTrue(loaded != null && loaded.loaded(), rule + " loads");
        return loaded.evaluator().matches(event, Scope.EMPTY);
    }

    static Event event(String type, Map<String, Object> base, Object... more) throws Exception {
        Map<String, Object> fields = new HashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                fields.remove((String) more[i]);
            } else {
                fields.put((String) more[i], more[i + 1]);
            }
        }
        return BUILDER.build(type, fields);
    }

    @Test
    void readSensitiveFileUntrusted() throws Exception {
        Map<String, Object> cat = Map.of(
                "open.file.path", "/etc/shadow",
                "open.flags", 0,
                "open.retval", 3,
                "process.comm", "cat",
                "process.file.path", "/usr/bin/cat",
                "process.parent.comm", "bash");
        assertEquals(Set.of("open"), rules.get("Read sensitive file untrusted").eventTypes());
        assertTrue(matches("Read sensitive file untrusted", event("open", cat)));
        assertFalse(matches("Read sensitive file untrusted", event("open", cat, "process.comm", "sshd")));
        assertFalse(matches("Read sensitive file untrusted", event("open", cat, "open.file.path", "/etc/hosts")));
        assertFalse(matches("Read sensitive file untrusted", event("open", cat, "open.flags", 1)), "a write");
        assertFalse(matches("Read sensitive file untrusted", event("open", cat, "open.retval", -13)), "failed");
        assertTrue(matches("Read sensitive file untrusted", event("open", cat, "open.file.path", "/etc/pam.d/sshd")));
    }

    @Test
    void terminalShellInContainer() throws Exception {
        Map<String, Object> shell = Map.of(
                "process.comm", "bash",
                "process.file.path", "/bin/bash",
                "process.tty_name", "pts0",
                "process.container.id", "4f2c9a1b7e3d0c5a");
        assertEquals(Set.of("exec"), rules.get("Terminal shell in container").eventTypes());
        assertTrue(matches("Terminal shell in container", event("exec", shell)), "no parent: the entrypoint");
        assertTrue(matches("Terminal shell in container", event("exec", shell, "process.parent.comm", "runc")));
        assertFalse(matches("Terminal shell in container", event("exec", shell, "process.parent.comm", "node")));
        assertFalse(matches("Terminal shell in container", event("exec", shell, "process.tty_name", null)));
        assertFalse(matches("Terminal shell in container", event("exec", shell, "process.container.id", null)));
        assertFalse(matches("Terminal shell in container", event("exec", shell, "process.comm", "python3")));
        assertFalse(matches("Terminal shell in container", event("open", shell)), "not an exec");
    }

    @Test
    void clearLogActivities() throws Exception {
        Map<String, Object> truncate = Map.of(
                "open.file.path", "/var/log/auth.log", "open.flags", 1 | 512, "open.retval", 4, "process.comm", "bash");
        assertTrue(matches("Clear Log Activities", event("open", truncate)));
        assertFalse(matches("Clear Log Activities", event("open", truncate, "open.flags", 1)), "no O_TRUNC");
        assertFalse(matches("Clear Log Activities", event("open", truncate, "open.file.path", "/tmp/notes.txt")));
        assertTrue(
                matches("Clear Log Activities", event("open", truncate, "open.file.path", "/tmp/auth.log")),
                "a log file by name");
    }

    @Test
    void ptraceAttached() throws Exception {
        Map<String, Object> attach = Map.of("ptrace.request", 16, "process.comm", "injector");
        assertEquals(Set.of("ptrace"), rules.get("PTRACE attached to process").eventTypes());
        assertTrue(matches("PTRACE attached to process", event("ptrace", attach)));
        assertFalse(matches("PTRACE attached to process", event("ptrace", attach, "ptrace.request", 0)));
    }

    @Test
    void disallowedSshConnectionNonStandardPort() throws Exception {
        Map<String, Object> ssh = Map.of(
                "connect.addr.ip", "203.0.113.7",
                "connect.addr.port", 4444,
                "connect.addr.family", 2,
                "connect.protocol", 6,
                "connect.retval", 0,
                "process.comm", "ssh",
                "process.argv0", "/usr/bin/ssh");
        String rule = "Disallowed SSH Connection Non Standard Port";
        assertEquals(Set.of("connect"), rules.get(rule).eventTypes());
        assertTrue(rules.get(rule).compiled() != null
                && rules.get(rule).compiled().unobservedSyscalls().containsAll(List.of("sendto", "sendmsg")));
        assertTrue(matches(rule, event("connect", ssh)));
        assertFalse(matches(rule, event("connect", ssh, "connect.addr.port", 22)));
        assertFalse(matches(rule, event("connect", ssh, "connect.addr.ip", "10.0.0.8")), "a private address");
        assertFalse(matches(rule, event("connect", ssh, "connect.protocol", 17)), "udp");
        assertFalse(matches(rule, event("connect", ssh, "process.argv0", "curl")));
    }

    // Witnesses of the five stable rules that need Vigil's extensions of SECL's model (symlink and dup events, the
    // working directory, a container's privileged flag, memfd executables): events as the sensor records them.

    static Event json(String line) throws Exception {
        return JSON.parse(line);
    }

    @Test
    void createSymlinkOverSensitiveFiles() throws Exception {
        String rule = "Create Symlink Over Sensitive Files";
        assertEquals(Set.of("symlink"), rules.get(rule).eventTypes());
        assertTrue(matches(rule, json("""
                {"type": "symlink", "fields": {"symlink.target": "/etc/shadow", "symlink.file.path": "/tmp/s",
                 "symlink.syscall.path": "s", "symlink.retval": 0, "process.comm": "ln"}}""")));
        assertTrue(matches(rule, json("""
                {"type": "symlink", "fields": {"symlink.target": "/root", "symlink.file.path": "/tmp/r"}}""")));
        assertFalse(matches(rule, json("""
                {"type": "symlink", "fields": {"symlink.target": "/etc/hosts", "symlink.file.path": "/tmp/s",
                 "process.comm": "ln"}}""")));
        assertFalse(matches(rule, json("""
                {"type": "link", "fields": {"link.file.path": "/etc/shadow", "link.file.destination.path": "/tmp/s"}}                """)), "a hard link is the other rule's");
        String output = rules.get(rule).output(json("""
                        {"type": "symlink", "fields": {"symlink.target": "/etc/shadow", "symlink.syscall.path": "s"}}                        """), FalcoFields.linux());
        assertTrue(output.contains("target=/etc/shadow linkpath=s evt_type=symlink"), output);
    }

    @Test
    void redirectStdoutStdinToNetworkConnectionInContainer() throws Exception {
        String rule = "Redirect STDOUT/STDIN to Network Connection in Container";
        assertEquals(Set.of("dup"), rules.get(rule).eventTypes());
        // dup2(socket, 1) in a container: the socket is an IPv4 TCP connection
        String socket = """
                {"type": "dup", "fields": {"dup.fd": 3, "dup.retval": %d, "dup.file.mode": %d, "dup.addr.family": %d,
                 "dup.addr.ip": "203.0.113.7", "dup.addr.port": 4444, "dup.protocol": 6, "process.comm": "sh",
                 "process.container.id": "4f2c9a1b7e3d0c5a"}}""";
        assertTrue(matches(rule, json(socket.formatted(1, 0140000, 2))));
        assertTrue(matches(rule, json(socket.formatted(0, 0140000, 10))), "IPv6");
        assertFalse(matches(rule, json(socket.formatted(5, 0140000, 2))), "not a standard stream");
        assertFalse(matches(rule, json(socket.formatted(1, 0140000, 1))), "a unix socket");
        assertFalse(matches(rule, json(socket.formatted(1, 0010000, 0))), "a pipe");
        assertFalse(matches(rule, json(socket.formatted(-9, 0140000, 2))), "failed: EBADF");
        assertFalse(matches(rule, json("""
                {"type": "dup", "fields": {"dup.fd": 3, "dup.retval": 1, "dup.file.mode": 49152, "dup.addr.family": 2}}                """)), "on the host");
        String output = rules.get(rule).output(json(socket.formatted(1, 0140000, 2)), FalcoFields.linux());
        assertTrue(output.contains("fd_type=ipv4 fd_proto=tcp evt_type=dup"), output);
    }

    @Test
    void debugfsLaunchedInPrivilegedContainer() throws Exception {
        String rule = "Debugfs Launched in Privileged Container";
        String debugfs = """
                {"type": "exec", "fields": {"process.comm": "debugfs", "process.file.path": "/sbin/debugfs",
                 "process.container.id": "4f2c9a1b7e3d0c5a", "container.privileged": %s}}""";
        assertTrue(matches(rule, json(debugfs.formatted("true"))));
        assertFalse(matches(rule, json(debugfs.formatted("false"))));
        assertFalse(matches(rule, json("""
                {"type": "exec", "fields": {"process.comm": "debugfs", "process.container.id": "4f2c9a1b7e3d0c5a"}}                """)), "the runtime did not say privileged");
    }

    @Test
    void executionFromDevShm() throws Exception {
        String rule = "Execution from /dev/shm";
        String relative = """
                {"type": "exec", "fields": {"process.comm": "x", "process.argv0": "./x", "process.file.path": "%s",
                 "process.cwd": "%s"}}""";
        assertTrue(matches(rule, json(relative.formatted("/dev/shm/x", "/dev/shm"))), "./x run in /dev/shm");
        assertTrue(matches(rule, json(relative.formatted("/dev/shm/a/x", "/dev/shm/a"))));
        assertFalse(matches(rule, json(relative.formatted("/tmp/x", "/tmp"))));
        assertFalse(matches(rule, json(relative.formatted("/dev/shmx/x", "/dev/shmx"))), "another directory");
        assertEquals(
                "/dev/shm/",
                rules.get(rule)
                        .output(json(relative.formatted("/dev/shm/x", "/dev/shm")), FalcoFields.linux())
                        .replaceAll(".*proc_cwd=(\\S*).*", "$1"));
    }

    @Test
    void filelessExecutionViaMemfdCreate() throws Exception {
        String rule = "Fileless execution via memfd_create";
        String memfd = """
                {"type": "exec", "fields": {"process.comm": "%s", "process.file.path": "memfd:payload (deleted)",
                 "process.parent.comm": "bash", "process.is_exe_from_memfd": %s}}""";
        assertTrue(matches(rule, json(memfd.formatted("payload", "true"))));
        assertFalse(matches(rule, json(memfd.formatted("payload", "false"))));
        assertFalse(matches(rule, json(memfd.formatted("runc", "true"))), "runc re-executes itself from a memfd");
    }

    @Test
    void outputSubstitutesFields() throws Exception {
        Event event = event(
                "open",
                Map.of("open.file.path", "/etc/shadow", "process.comm", "cat", "process.euid", 1000, "open.flags", 0));
        String output = rules.get("Read sensitive file untrusted").output(event, FalcoFields.linux());
        assertTrue(
                output.startsWith("Sensitive file opened for reading by non-trusted program | file=/etc/shadow"),
                output);
        assertTrue(output.contains("process=cat") && output.contains("user_uid=1000"), output);
        assertTrue(output.contains("gparent=<NA>"), output);
    }
}
