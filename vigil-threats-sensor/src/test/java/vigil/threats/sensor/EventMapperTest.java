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
