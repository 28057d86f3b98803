package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code vigil-trace} launcher (ADR 0053) under a real ptrace, writing to a real {@link TraceListener}: the
 * records a workload's processes make come back as the eBPF sensor's would, with their pids, parents, paths, calls
 * and exit codes; the workload's exit code is the launcher's; a launcher without an agent runs the workload untraced;
 * a connection sending what is not a record is closed and the others go on.
 */
class TraceIT {
    private final List<SensorRecord> seen = new CopyOnWriteArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private TraceListener listener;
    private Thread poller;

    private void listen(Path socket, Set<Integer> syscalls) {
        listener = TraceListener.start(socket, seen::add, syscalls, warnings::add);
        poller = Thread.ofPlatform().name("trace-poll").start(() -> {
            while (running.get()) {
                listener.poll(50);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        running.set(false);
        if (poller != null) {
            poller.join();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private <T extends SensorRecord> T await(Class<T> type, Predicate<T> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (SensorRecord record : seen) {
                if (type.isInstance(record) && wanted.test(type.cast(record))) {
                    return type.cast(record);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type.getSimpleName() + " as wanted among " + seen.size() + " records");
    }

    private static Process launch(Path launcher, Path socket, String... command) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(launcher.toString(), "--socket", socket.toString(), "--"));
        all.addAll(List.of(command));
        return new ProcessBuilder(all)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    @Test
    void aWorkloadsProcessesAndCallsComeBackAsTheSensorsRecords(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("trace.sock");
        listen(socket, TraceListener.syscalls(Set.of(90, 268, 452), true, true, false)); // chmod, fchmodat(2)
        Path launcher = TraceLauncher.install(dir.resolve("shared"));
        Path file = Files.writeString(dir.resolve("watched"), "x");
        Process launched = launch(
                launcher,
                socket,
                "/bin/bash",
                "-c",
                "/bin/cat \"$0\" >/dev/null; chmod 600 \"$0\"; { : <>/dev/tcp/127.0.0.1/9; } 2>/dev/null; exit 3",
                file.toString());
        assertThat(launched.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(launched.exitValue()).as("the workload's exit code").isEqualTo(3);
        String stderr = new String(launched.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        SensorRecord.Exec sh = await(SensorRecord.Exec.class, e -> e.header().ppid() == (int) launched.pid());
        assertThat(sh.filePath())
                .as(stderr)
                .isEqualTo(Path.of("/bin/bash").toRealPath().toString());
        assertThat(sh.args()).startsWith("/bin/bash", "-c");
        assertThat(sh.details().file().inode()).isEqualTo(Files.getAttribute(Path.of("/bin/bash"), "unix:ino"));
        assertThat(sh.header().uid()).isZero();
        int shPid = sh.header().pid();
        SensorRecord.Fork fork = await(SensorRecord.Fork.class, f -> f.header().pid() == shPid);
        SensorRecord.Exec cat = await(SensorRecord.Exec.class, e -> e.header().pid() == fork.childPid());
        assertThat(cat.filePath()).isEqualTo(Path.of("/bin/cat").toRealPath().toString());
        assertThat(cat.args()).containsExactly("/bin/cat", file.toString());
        assertThat(cat.header().ppid()).isEqualTo(shPid);
        assertThat(cat.header().comm()).isEqualTo("cat");
        SensorRecord.Open open = await(
                SensorRecord.Open.class,
                o -> o.header().pid() == fork.childPid() && o.path().equals(file.toString()));
        assertThat(open.flags() & 3).as("O_RDONLY").isZero();
        await(SensorRecord.Exit.class, e -> e.header().pid() == fork.childPid() && e.exitCode() == 0);
        SensorRecord.Syscall chmod = await(
                SensorRecord.Syscall.class,
                c -> Syscalls.name(c.nr()).startsWith("fchmodat") && c.path0().equals(file.toString()));
        assertThat(chmod.arg(2))
                .as("the mode, after the directory and the path")
                .isEqualTo(0600);
        SensorRecord.Connect connect =
                await(SensorRecord.Connect.class, c -> c.header().pid() == shPid);
        assertThat(connect.address().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(connect.port()).isEqualTo(9);
        await(SensorRecord.Exit.class, e -> e.header().pid() == shPid && e.exitCode() == 3);
        assertThat(warnings).isEmpty();
    }

    /** {@code --sensor trace}: the pipeline listens, and the built-in policy's rules fire on a traced workload. */
    @Test
    void thePipelinesRulesFireOnATracedWorkload(@TempDir Path dir) throws Exception {
        vigil.threats.rules.policy.RuleSet rules = new vigil.threats.rules.policy.PolicyLoader(
                        vigil.threats.rules.event.FieldCatalog.linux(),
                        vigil.threats.rules.engine.Constants.linux(),
                        vigil.threats.rules.policy.Environment.ofThisHost(),
                        vigil.threats.rules.policy.SensorProfile.linuxTracepoints())
                .load(List.of(vigil.threats.rules.policy.BuiltInPolicy.read()));
        Path socket = dir.resolve("trace.sock");
        List<vigil.threats.sensor.signal.Signal> signals = new CopyOnWriteArrayList<>();
        try (vigil.threats.sensor.signal.ThreatPipeline pipeline = new vigil.threats.sensor.signal.ThreatPipeline(
                        rules,
                        vigil.threats.sensor.signal.ThreatPipeline.Options.defaults()
                                .with(vigil.threats.sensor.signal.ThreatPipeline.Source.TRACE)
                                .withTraceSocket(socket),
                        Path.of("/proc"),
                        Path.of("/etc"),
                        vigil.threats.sensor.signal.SignalMaker.Images.NONE,
                        java.time.Clock.systemUTC())
                .start()) {
            assertThat(pipeline.status().source()).isEqualTo("ptrace");
            assertThat(pipeline.status().hooks()).singleElement().asString().contains(socket.toString());
            Thread poller = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    pipeline.poll(50);
                    signals.addAll(pipeline.take());
                }
            });
            try {
                Process launched = launch(TraceLauncher.install(dir), socket, "/bin/cat", "/etc/shadow");
                assertThat(launched.waitFor(20, TimeUnit.SECONDS)).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (signals.stream().noneMatch(s -> s.ruleId().equals("shadow_file_read"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(signals)
                        .filteredOn(s -> s.ruleId().equals("shadow_file_read"))
                        .first()
                        .satisfies(s -> {
                            assertThat(s.process().path()).isEqualTo("/usr/bin/cat");
                            assertThat(s.process().ppid()).isEqualTo(launched.pid());
                            assertThat(s.event()).containsEntry("event.origin", "ebpfless");
                        });
            } finally {
                running.set(false);
                poller.join();
            }
        }
    }

    /** A socket left by an earlier run is replaced; a file that is not a socket is never removed. */
    @Test
    void onlyAStaleSocketIsReplaced(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("trace.sock");
        TraceListener.start(socket, r -> {}, Set.of(), w -> {}).close();
        try (java.nio.channels.ServerSocketChannel stale =
                java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket)); // bound, then closed: the file stays
        }
        TraceListener.start(socket, r -> {}, Set.of(), w -> {}).close();
        Path file = Files.writeString(dir.resolve("not-a-socket"), "keep");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TraceListener.start(file, r -> {}, Set.of(), w -> {}))
                .isInstanceOf(SensorException.class)
                .hasMessageContaining("something other than a socket is there");
        assertThat(Files.readString(file)).isEqualTo("keep");
    }

    @Test
    void withoutAnAgentTheWorkloadRunsUntracedAndSaysSo(@TempDir Path dir) throws Exception {
        Path launcher = TraceLauncher.install(dir);
        Process launched = launch(launcher, dir.resolve("nobody-listens.sock"), "/bin/sh", "-c", "exit 7");
        assertThat(launched.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(launched.exitValue()).isEqualTo(7);
        assertThat(new String(launched.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("cannot reach the Vigil agent at " + dir.resolve("nobody-listens.sock"))
                .contains("running /bin/sh untraced");
    }

    @Test
    void aConnectionSendingWhatIsNotARecordIsClosedAndTheOthersGoOn(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("trace.sock");
        listen(socket, TraceListener.syscalls(Set.of(), true, false, false));
        try (SocketChannel hostile = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            hostile.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer hello = ByteBuffer.allocate(12 + 16).order(ByteOrder.LITTLE_ENDIAN);
            hostile.read(hello);
            hello.flip();
            assertThat(hello.getInt()).isEqualTo(TraceListener.MAGIC);
            assertThat(hello.getInt()).isEqualTo(TraceListener.VERSION);
            assertThat(hello.getInt()).as("the opens").isEqualTo(4);
            hostile.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (listener.refused() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(listener.refused()).isEqualTo(1);
            assertThat(warnings).singleElement().asString().contains("a frame of 4294967295 bytes");
            assertThat(hostile.read(ByteBuffer.allocate(1))).as("closed").isEqualTo(-1);
        }
        Path launcher = TraceLauncher.install(dir.resolve("shared"));
        Process launched = launch(launcher, socket, "/bin/cat", "/etc/hostname");
        assertThat(launched.waitFor(20, TimeUnit.SECONDS)).isTrue();
        await(SensorRecord.Open.class, o -> o.path().equals("/etc/hostname"));
    }
}
