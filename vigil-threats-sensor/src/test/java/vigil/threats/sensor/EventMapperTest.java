package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldCatalog;

class EventMapperTest {
    private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final FieldCatalog CATALOG = FieldCatalog.linux();

    private static SensorRecord.Header header(int pid, int ppid, String comm) {
        return new SensorRecord.Header(pid, pid, ppid, 0, 0, 1L, 2L, comm);
    }

    /** A string field's value (events hold strings as arrays, one element for a single value). */
    private static String value(Event event, String field) {
        return ((String[]) event.value(CATALOG.find(field).orElseThrow()))[0];
    }

    /** An open's path is made absolute and normal: by spelling, by working directory, by directory descriptor. */
    @Test
    void anOpensPathIsAbsoluteAndNormal(@TempDir Path proc) throws Exception {
        Path fds = java.nio.file.Files.createDirectories(proc.resolve("20/fd"));
        java.nio.file.Files.createSymbolicLink(fds.resolve("7"), Path.of("/etc"));
        EventMapper mapper = new EventMapper(ProcessCache.fromProc(proc), CATALOG, proc);
        java.util.function.BiFunction<Integer, String, String> open = (dfd, path) -> value(
                mapper.map(new SensorRecord.Open(header(20, 1, "cat"), dfd, 0, 0, path))
                        .orElseThrow(),
                "open.file.path");
        assertThat(open.apply(-100, "/tmp/../etc/shadow")).isEqualTo("/etc/shadow");
        assertThat(open.apply(-100, "//etc//./shadow")).isEqualTo("/etc/shadow");
        assertThat(open.apply(-100, "/../../etc/shadow"))
                .as("above the root is the root")
                .isEqualTo("/etc/shadow");
        assertThat(open.apply(7, "shadow")).as("relative to descriptor 7, /etc").isEqualTo("/etc/shadow");
        assertThat(open.apply(9, "shadow"))
                .as("an unknown descriptor: as given")
                .isEqualTo("shadow");
    }

    private static long number(Event event, String field) {
        return ((long[]) event.value(CATALOG.find(field).orElseThrow()))[0];
    }

    /**
     * An exec's credentials, terminal, environment and file are the process's fields on its events, and its parent's
     * on its children's; the effective ids are the record's own (live after a setuid).
     */
    @Test
    void anExecsDetailsAreTheProcesssFields(@TempDir Path proc) {
        EventMapper mapper = new EventMapper(ProcessCache.fromProc(proc), CATALOG, proc);
        SensorRecord.Header header = new SensorRecord.Header(30, 30, 1, 1000, 1000, 1L, 2L, "tool", 0, 1000);
        SensorRecord.ExecDetails details = new SensorRecord.ExecDetails(
                new SensorRecord.Credentials(0, 1000, 0, 1000, 1L << 21, 1L << 21, 1000),
                "pts1",
                List.of("HOME=/home/dev", "GLIBC_TUNABLES=glibc.malloc.x=1"),
                false,
                new SensorRecord.FileStat(99L, 0104755, 0, 0, 5_000L, 6_000L, 28, "ext4", false),
                false);
        Event exec = mapper.map(
                        new SensorRecord.Exec(header, "/opt/tool", List.of("tool"), "", "", "/opt/tool", details))
                .orElseThrow();
        assertThat(number(exec, "exec.uid")).isEqualTo(1000);
        assertThat(number(exec, "exec.euid")).isZero();
        assertThat(number(exec, "process.euid")).isZero();
        assertThat(number(exec, "process.egid")).isEqualTo(1000);
        assertThat(number(exec, "process.fsuid")).isZero();
        assertThat(number(exec, "exec.cap_effective")).isEqualTo(1L << 21);
        assertThat(number(exec, "process.auid")).isEqualTo(1000);
        assertThat(value(exec, "exec.tty_name")).isEqualTo("pts1");
        assertThat((String[]) exec.value(CATALOG.find("exec.envs").orElseThrow()))
                .containsExactly("HOME", "GLIBC_TUNABLES=glibc.malloc.x=1");
        assertThat(number(exec, "exec.file.mode")).isEqualTo(0104755);
        assertThat(number(exec, "process.file.inode")).isEqualTo(99);
        assertThat(number(exec, "process.file.modification_time")).isEqualTo(5_000L);
        assertThat(value(exec, "process.file.filesystem")).isEqualTo("ext4");
        assertThat(value(exec, "event.origin")).isEqualTo("ebpf");
        // the process drops its effective id: its next event has the record's
        SensorRecord.Header dropped = new SensorRecord.Header(30, 30, 1, 1000, 1000, 2L, 2L, "tool", 1000, 1000);
        Event open = mapper.map(new SensorRecord.Open(dropped, -100, 0, 0, "/etc/hostname"))
                .orElseThrow();
        assertThat(number(open, "process.euid")).isEqualTo(1000);
        assertThat(number(open, "process.cap_effective")).as("as of its exec").isEqualTo(1L << 21);
        // a child's parent fields are this process's
        mapper.map(new SensorRecord.Fork(dropped, 31));
        Event child = mapper.map(new SensorRecord.Open(
                        new SensorRecord.Header(31, 31, 30, 1000, 1000, 3L, 2L, "tool"), -100, 0, 0, "/etc/hostname"))
                .orElseThrow();
        assertThat(number(child, "process.parent.file.mode")).isEqualTo(0104755);
        assertThat(value(child, "process.parent.tty_name")).isEqualTo("pts1");
        assertThat(number(child, "process.file.inode"))
                .as("the fork's copy of its parent")
                .isEqualTo(99);
    }

    /** An exit keeps its process's container: the cache forgets it with the process, after the event is made. */
    @Test
    void anExitInAContainerIsTheContainers(@TempDir Path proc) {
        EventMapper mapper = new EventMapper(ProcessCache.fromProc(proc), CATALOG, proc);
        mapper.map(new SensorRecord.Fork(header(10, 1, "sh"), 11));
        Event exec = mapper.map(new SensorRecord.Exec(
                        header(11, 10, "nginx"),
                        "/usr/sbin/nginx",
                        List.of("nginx"),
                        "/system.slice/docker-" + ID + ".scope",
                        "",
                        "/usr/sbin/nginx"))
                .orElseThrow();
        assertThat(value(exec, "process.container.id")).isEqualTo(ID);
        Event exit =
                mapper.map(new SensorRecord.Exit(header(11, 10, "nginx"), 0)).orElseThrow();
        assertThat(exit.type()).isEqualTo("exit");
        assertThat(value(exit, "process.container.id")).isEqualTo(ID);
        assertThat(value(exit, "process.file.path")).isEqualTo("/usr/sbin/nginx");
    }
}
