package vigil.threats.rules.falco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;

class FalcoFieldsTest {
    static final FalcoFields FIELDS = FalcoFields.linux();
    static final EventBuilder BUILDER = new EventBuilder(FieldCatalog.linux());

    static Condition.FieldRef ref(String name, @Nullable String arg) {
        return new Condition.FieldRef(name, arg, List.of(), 0);
    }

    /** The table is checked: every supported row resolves to SECL fields on every event type it lists. */
    @Test
    void everyMappingResolvesOnItsEventTypes() throws Exception {
        List<String> problems = new ArrayList<>();
        for (FalcoFields.Mapping mapping : FIELDS.mappings()) {
            if (!mapping.supported()) {
                continue;
            }
            List<String> types =
                    mapping.onEveryEvent() ? List.of("exec", "open", "connect") : List.copyOf(mapping.eventTypes());
            for (String type : types) {
                if (!FieldCatalog.linux().eventTypes().contains(type)) {
                    problems.add(mapping.falco() + ": unknown event type " + type);
                    continue;
                }
                String arg = mapping.rule().startsWith("ancestor(") ? "1" : null;
                try {
                    FIELDS.resolve(ref(mapping.falco(), arg), type);
                } catch (UnsupportedException e) {
                    problems.add(mapping.falco() + " on " + type + ": " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everySyscallMapsToAVigilEventType() {
        for (Map.Entry<String, String> entry : FIELDS.syscalls().entrySet()) {
            assertTrue(FieldCatalog.linux().eventTypes().contains(entry.getValue()), entry.toString());
        }
        assertEquals(List.of("execve", "execveat"), FIELDS.syscallsOf("exec"));
        assertEquals(List.of("open", "openat", "openat2", "creat"), FIELDS.syscallsOf("open"));
    }

    @Test
    void unsupportedFieldsNameThemselves() {
        UnsupportedException e =
                assertThrows(UnsupportedException.class, () -> FIELDS.resolve(ref("user.loginname", null), "exec"));
        assertEquals("user.loginname", e.what());
        assertEquals("the login user's name is not resolved", e.reason());
        e = assertThrows(UnsupportedException.class, () -> FIELDS.resolve(ref("no.such.field", null), "exec"));
        assertEquals("no.such.field", e.what());
        e = assertThrows(UnsupportedException.class, () -> FIELDS.resolve(ref("proc.name", "1"), "exec"));
        assertEquals("proc.name[]", e.what());
    }

    static Object read(String field, @Nullable String arg, Event event) throws UnsupportedException {
        FalcoFields.Accessor accessor = FIELDS.resolve(ref(field, arg), event.type());
        return accessor == null ? "not on " + event.type() : accessor.reader().read(event);
    }

    @Test
    void processFields() throws Exception {
        Event exec = BUILDER.build(
                "exec",
                Map.of(
                        "process.comm",
                        "bash",
                        "process.args",
                        "-c id",
                        "process.argv0",
                        "/bin/bash",
                        "process.file.path",
                        "/usr/bin/bash",
                        "process.parent.comm",
                        "sshd",
                        "process.ancestors.comm",
                        List.of("sshd", "systemd"),
                        "process.tty_name",
                        "pts0",
                        "process.cap_effective",
                        2097152 | 65536,
                        "process.auid",
                        4294967295L));
        assertArrayEquals(new long[] {-1}, (long[]) read("user.loginuid", null, exec));
        assertArrayEquals(new String[] {"bash"}, (String[]) read("proc.name", null, exec));
        assertArrayEquals(new String[] {"bash -c id"}, (String[]) read("proc.cmdline", null, exec));
        assertArrayEquals(new String[] {"/bin/bash"}, (String[]) read("proc.exe", null, exec));
        assertArrayEquals(new String[] {"/usr/bin/bash"}, (String[]) read("proc.exepath", null, exec));
        assertArrayEquals(new String[] {"bash"}, (String[]) read("proc.aname", "0", exec));
        assertArrayEquals(new String[] {"sshd"}, (String[]) read("proc.aname", "1", exec));
        assertArrayEquals(new String[] {"systemd"}, (String[]) read("proc.aname", "2", exec));
        assertArrayEquals(new String[] {}, (String[]) read("proc.aname", "3", exec));
        assertArrayEquals(new String[] {"sshd", "systemd"}, (String[]) read("proc.aname", null, exec));
        assertArrayEquals(new long[] {1}, (long[]) read("proc.tty", null, exec));
        assertArrayEquals(new String[] {"host"}, (String[]) read("container.id", null, exec));
        assertArrayEquals(new String[] {"execve", "execveat"}, (String[]) read("evt.type", null, exec));
        assertArrayEquals(new String[] {"SUCCESS"}, (String[]) read("evt.res", null, exec));
        String caps = ((String[]) read("thread.cap_effective", null, exec))[0];
        assertTrue(caps.contains("CAP_SYS_ADMIN") && caps.contains("CAP_SYS_MODULE"), caps);
        assertNull(FIELDS.resolve(ref("fd.name", null), "exec"), "fd.name does not apply to exec events");
    }

    @Test
    void fileAndNetworkFields() throws Exception {
        Event open = BUILDER.build(
                "open",
                Map.of(
                        "open.file.path",
                        "/var/log/syslog",
                        "open.flags",
                        1 | 512 | 64,
                        "open.retval",
                        -13,
                        "container.tags",
                        List.of("image_name:nginx", "kube_namespace:prod"),
                        "process.container.id",
                        "0123456789abcdef0123"));
        assertArrayEquals(new String[] {"/var/log"}, (String[]) read("fd.directory", null, open));
        assertArrayEquals(new String[] {"syslog"}, (String[]) read("fd.filename", null, open));
        assertArrayEquals(new String[] {"f"}, (String[]) read("fd.typechar", null, open));
        assertArrayEquals(new long[] {1}, (long[]) read("evt.is_open_write", null, open));
        assertArrayEquals(new long[] {0}, (long[]) read("evt.is_open_read", null, open));
        assertArrayEquals(new long[] {-1}, (long[]) read("fd.num", null, open));
        assertArrayEquals(new String[] {"EACCES"}, (String[]) read("evt.res", null, open));
        assertArrayEquals(new String[] {"O_WRONLY|O_CREAT|O_TRUNC"}, (String[]) read("evt.arg.flags", null, open));
        assertArrayEquals(new String[] {"nginx"}, (String[]) read("container.image.repository", null, open));
        assertArrayEquals(new String[] {"prod"}, (String[]) read("k8s.ns.name", null, open));
        assertArrayEquals(new String[] {"0123456789ab"}, (String[]) read("container.id", null, open));

        Event connect = BUILDER.build(
                "connect",
                Map.of(
                        "connect.addr.ip",
                        "10.1.2.3",
                        "connect.addr.port",
                        443,
                        "connect.addr.family",
                        2,
                        "connect.protocol",
                        6));
        assertEquals("10.1.2.3", ((vigil.threats.rules.event.IpNet[]) read("fd.sip", null, connect))[0].toString());
        assertArrayEquals(new long[] {443}, (long[]) read("fd.sport", null, connect));
        assertArrayEquals(new String[] {"4"}, (String[]) read("fd.typechar", null, connect));
        assertArrayEquals(new String[] {"tcp"}, (String[]) read("fd.l4proto", null, connect));
    }
}
