package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldCatalog;

/**
 * The event types beyond exec, open and connect on the real sensor (CI runs as root): each is made by a child
 * process (shell commands, or {@link SyscallTrigger} for calls no command makes), and its event carries the fields
 * rules read. The sensor records only the calls it is asked for, here all of them.
 */
class SyscallEventsIT {
    private static final FieldCatalog CATALOG = FieldCatalog.linux();
    private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static Sensor sensor;
    private static Thread poller;

    @TempDir
    static Path temp;

    @BeforeAll
    static void start() {
        Path proc = Path.of("/proc");
        EventMapper mapper = new EventMapper(ProcessCache.fromProc(proc), CATALOG, proc);
        List<Integer> all = new ArrayList<>(Syscalls.wanted(Syscalls.eventTypes()));
        // mmap and mprotect are every process's daily bread: left out here, as a policy without rules on them does
        all.remove(Integer.valueOf(9));
        all.remove(Integer.valueOf(10));
        sensor = Sensor.start(record -> mapper.map(record).ifPresent(EVENTS::add), List.of("/nothing-opened/"), all);
        poller = Thread.ofPlatform().name("sensor-poll").start(() -> {
            while (RUNNING.get()) {
                sensor.poll(50);
            }
        });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        RUNNING.set(false);
        poller.join();
        Map<String, Long> lost = sensor.lost();
        sensor.close();
        assertThat(lost.values()).as("nothing lost: %s", lost).allMatch(n -> n == 0);
    }

    private static void sh(String script) throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", script)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(script + ": " + output).isZero();
    }

    private static void java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SyscallTrigger.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static Event await(String type, Predicate<Event> matching) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Event event : EVENTS) {
                if (event.type().equals(type) && matching.test(event)) {
                    return event;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type + " event came; the types seen: "
                + EVENTS.stream().map(Event::type).distinct().sorted().toList() + "; the " + type + " events: "
                + EVENTS.stream()
                        .filter(e -> e.type().equals(type) || e.type().equals("chdir"))
                        .map(e -> e.type() + " " + number(e, "process.pid") + " " + text(e, "process.file.path") + " "
                                + text(e, e.type() + ".file.path") + " " + text(e, e.type() + ".syscall.path"))
                        .limit(20)
                        .toList());
    }

    static String text(Event event, String field) {
        return CATALOG.find(field).map(event::value).orElse(null) instanceof String[] v && v.length > 0 ? v[0] : "";
    }

    static long number(Event event, String field) {
        return CATALOG.find(field).map(event::value).orElse(null) instanceof long[] v && v.length > 0 ? v[0] : -1;
    }

    @Test
    void fileEventsCarryTheirPathsAndModes() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("files"));
        sh("cd " + dir + " && : > script && chmod 755 script && chown 1:1 script && touch -c -m script"
                + " && mkdir sub && mv script sub/moved && ln sub/moved hard && ln -s sub/moved soft"
                + " && rm hard soft sub/moved && rmdir sub");
        String p = dir.toString();
        Event chmod = await("chmod", e -> text(e, "chmod.file.path").equals(p + "/script"));
        assertThat(number(chmod, "chmod.file.destination.mode")).isEqualTo(0755);
        assertThat(text(chmod, "process.file.path")).isEqualTo("/usr/bin/chmod");
        Event chown = await("chown", e -> text(e, "chown.file.path").equals(p + "/script"));
        assertThat(number(chown, "chown.file.destination.uid")).isEqualTo(1);
        assertThat(number(chown, "chown.file.destination.gid")).isEqualTo(1);
        await("utimes", e -> text(e, "utimes.file.path").equals(p + "/script"));
        Event mkdir = await("mkdir", e -> text(e, "mkdir.file.path").equals(p + "/sub"));
        assertThat(text(mkdir, "mkdir.file.name")).isEqualTo("sub");
        Event rename = await("rename", e -> text(e, "rename.file.path").equals(p + "/script"));
        assertThat(text(rename, "rename.file.destination.path")).isEqualTo(p + "/sub/moved");
        Event link = await("link", e -> text(e, "link.file.destination.path").equals(p + "/hard"));
        assertThat(text(link, "link.file.path")).isEqualTo(p + "/sub/moved");
        Event symlink = await("symlink", e -> text(e, "symlink.file.path").equals(p + "/soft"));
        assertThat(text(symlink, "symlink.target")).isEqualTo("sub/moved");
        await("unlink", e -> text(e, "unlink.file.path").equals(p + "/sub/moved"));
        await("rmdir", e -> text(e, "rmdir.file.path").equals(p + "/sub"));
    }

    @Test
    void processEventsPtraceBpfSignalsAndNames() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            java("ptrace-attach", Long.toString(sleeper.pid()));
            Event ptrace = await("ptrace", e -> number(e, "ptrace.tracee.pid") == sleeper.pid());
            assertThat(number(ptrace, "ptrace.request")).isEqualTo(16); // PTRACE_ATTACH
            assertThat(text(ptrace, "ptrace.tracee.file.path")).isEqualTo("/usr/bin/sleep");
            sh("kill -TERM " + sleeper.pid());
            Event signal = await("signal", e -> number(e, "signal.pid") == sleeper.pid());
            assertThat(number(signal, "signal.type")).isEqualTo(15);
        } finally {
            sleeper.destroyForcibly();
        }
        java("bpf-prog-load");
        Event bpf = await("bpf", e -> number(e, "bpf.cmd") == 5);
        assertThat(number(bpf, "bpf.prog.type")).isEqualTo(1); // a socket filter
        java("prctl-name", "vigil-renamed");
        Event prctl = await("prctl", e -> text(e, "prctl.new_name").equals("vigil-renamed"));
        assertThat(number(prctl, "prctl.option")).isEqualTo(15);
        sh("cd / && true");
        await("chdir", e -> text(e, "chdir.file.path").equals("/"));
    }

    @Test
    void aMountAndANewNamespaceAndASocket() throws Exception {
        Path point = Files.createDirectories(temp.resolve("point"));
        sh("mount -t tmpfs vigil-test " + point + " && umount " + point);
        Event mount = await("mount", e -> text(e, "mount.mountpoint.path").equals(point.toString()));
        assertThat(text(mount, "mount.fs_type")).isEqualTo("tmpfs");
        assertThat(text(mount, "mount.source.path")).isEqualTo("vigil-test");
        sh("unshare --uts true");
        Event unshare = await("unshare", e -> text(e, "process.file.path").equals("/usr/bin/unshare"));
        assertThat(number(unshare, "unshare.flags") & 0x04000000)
                .as("CLONE_NEWUTS")
                .isNotZero();
    }
}
