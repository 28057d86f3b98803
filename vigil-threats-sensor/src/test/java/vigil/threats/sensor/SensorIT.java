package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real sensor in this kernel (CI runs as root): processes started here must come back as the records the
 * kernel's tracepoints gave, with their pids, parents, paths, arguments and addresses.
 */
class SensorIT {
    private final List<SensorRecord> seen = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Sensor sensor;
    private Thread poller;

    @BeforeEach
    void start() {
        sensor = Sensor.start(seen::add);
        poller = Thread.ofPlatform().name("sensor-poll").start(() -> {
            while (running.get()) {
                sensor.poll(50);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        running.set(false);
        poller.join();
        sensor.close();
    }

    private <T extends SensorRecord> T await(Class<T> type, Predicate<T> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (SensorRecord record : seen) {
                if (type.isInstance(record) && wanted.test(type.cast(record))) {
                    return type.cast(record);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type.getSimpleName() + " record as wanted among " + seen.size() + " records");
    }

    @Test
    void theProbeLoadsAndAttachesAlongsideARunningSensor() {
        assertThat(Sensor.probe()).isNull(); // what 'vigil agent check' asks; a second sensor may load beside one
    }

    /** With open approvers, opens under no approved prefix are left out in the kernel, and counted. */
    @Test
    void opensNoRuleIsAboutAreLeftOutInTheKernel(@TempDir Path dir) throws Exception {
        List<SensorRecord> filtered = new CopyOnWriteArrayList<>();
        Path approved = Files.writeString(dir.resolve("approved"), "x");
        Path other = Files.writeString(dir.resolve("other"), "x");
        try (Sensor narrow = Sensor.start(filtered::add, List.of(approved.toString()))) {
            long pid = new ProcessBuilder("/bin/cat", approved.toString(), other.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .pid();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline
                    && filtered.stream()
                            .noneMatch(r -> r instanceof SensorRecord.Exit e
                                    && e.header().pid() == pid)) {
                narrow.poll(50);
            }
            assertThat(filtered)
                    .filteredOn(
                            r -> r instanceof SensorRecord.Open o && o.header().pid() == pid)
                    .extracting(r -> ((SensorRecord.Open) r).path())
                    .contains(approved.toString())
                    .doesNotContain(other.toString(), "/etc/ld.so.cache");
            assertThat(narrow.approverDrops()).isPositive();
        }
        // the unfiltered sensor of this test saw both
        await(SensorRecord.Open.class, o -> o.path().equals(other.toString()));
    }

    @Test
    void attachesEveryProgramOnTracepoints() {
        assertThat(sensor.programs()).containsExactlyInAnyOrder("on_exec", "on_fork", "on_exit", "on_sys_enter");
        assertThat(sensor.lost()).containsOnlyKeys("exec", "fork", "exit", "open", "connect", "syscall", "bind");
    }

    @Test
    void seesAProcessForkExecOpenAndExit(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("watched-" + ProcessHandle.current().pid()), "secret");
        Process shell =
                new ProcessBuilder("/bin/sh", "-c", "/bin/cat \"$0\" >/dev/null; exit 3", file.toString()).start();
        long shellPid = shell.pid();
        assertThat(shell.waitFor()).isEqualTo(3);

        // the JDK starts a child through its jspawnhelper, which then runs the program: two execs of one pid
        SensorRecord.Exec sh = await(
                SensorRecord.Exec.class,
                e -> e.header().pid() == shellPid && e.filename().equals("/bin/sh"));
        assertThat(sh.filename()).isEqualTo("/bin/sh");
        assertThat(sh.args()).containsExactly("/bin/sh", "-c", "/bin/cat \"$0\" >/dev/null; exit 3", file.toString());
        assertThat(sh.header().ppid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(sh.header().uid()).isZero(); // CI runs as root

        SensorRecord.Fork fork = await(SensorRecord.Fork.class, f -> f.header().pid() == shellPid);
        int catPid = fork.childPid();
        SensorRecord.Exec cat = await(SensorRecord.Exec.class, e -> e.header().pid() == catPid);
        assertThat(cat.filename()).isEqualTo("/bin/cat");
        assertThat(cat.filePath())
                .as("the kernel's resolution: the file itself, wherever /bin leads")
                .isEqualTo(Path.of("/bin/cat").toRealPath().toString());
        assertThat(cat.header().ppid()).isEqualTo((int) shellPid);
        assertThat(cat.header().comm()).isEqualTo("cat");

        SensorRecord.Open open = await(
                SensorRecord.Open.class,
                o -> o.header().pid() == catPid && o.path().equals(file.toString()));
        assertThat(open.flags() & 3).as("O_RDONLY").isZero();

        await(SensorRecord.Exit.class, e -> e.header().pid() == catPid && e.exitCode() == 0);
        await(SensorRecord.Exit.class, e -> e.header().pid() == shellPid && e.exitCode() == 3);
    }

    /**
     * The executed file's path comes from the kernel's dentries: links resolved, and a mount crossed at its mount
     * point (a tmpfs mounted here, holding a copy of true, run through a link to it).
     */
    @Test
    void anExecsPathIsResolvedAcrossLinksAndMounts(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("mnt"));
        assertThat(new ProcessBuilder("mount", "-t", "tmpfs", "vigil-it", mount.toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
        try {
            Path tool = Files.copy(
                    Path.of("/bin/true"),
                    Files.createDirectories(mount.resolve("sub")).resolve("tool"));
            Path link = Files.createSymbolicLink(dir.resolve("link"), tool);
            Process run = new ProcessBuilder(link.toString()).start();
            assertThat(run.waitFor()).isZero();
            SensorRecord.Exec exec = await(
                    SensorRecord.Exec.class,
                    e -> e.header().pid() == run.pid() && e.filename().equals(link.toString()));
            assertThat(exec.filePath())
                    .isEqualTo(dir.toRealPath().resolve("mnt/sub/tool").toString());
            // a script: by the exec's tracepoint the kernel's file is its interpreter, which is not the process's
            // path; the record carries the interpreter's, and leaves the script's to user space, from its name
            Path script = Files.writeString(mount.resolve("sub/job.sh"), "#!/bin/sh\nexit 0\n");
            script.toFile().setExecutable(true);
            Process job = new ProcessBuilder(script.toString()).start();
            assertThat(job.waitFor()).isZero();
            SensorRecord.Exec ran = await(
                    SensorRecord.Exec.class,
                    e -> e.header().pid() == job.pid() && e.filename().equals(script.toString()));
            assertThat(ran.details().interpreter()).isTrue();
            assertThat(ran.filePath()).isEqualTo(Path.of("/bin/sh").toRealPath().toString());
            assertThat(ran.details().file().inode()).isEqualTo(Files.getAttribute(Path.of("/bin/sh"), "unix:ino"));
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }

    /**
     * An exec carries what the program runs with: real and effective ids told apart ({@code setpriv} keeps root's
     * effective id under nobody's real one), capabilities, the audit login id, the terminal ({@code script} gives it a
     * pseudo-terminal), its environment, and the inode of the executed file.
     */
    @Test
    void anExecCarriesCredentialsTerminalEnvironmentAndTheFilesInode(@TempDir Path dir) throws Exception {
        Path tool = Files.copy(Path.of("/bin/true"), dir.resolve("vigil-tool"));
        tool.toFile().setExecutable(true);
        String inner = "exec setpriv --ruid=65534 --rgid=65534 --clear-groups /usr/bin/env VIGIL_IT_MARK=yes "
                + "LD_PRELOAD= " + tool;
        Process run = new ProcessBuilder("script", "-qec", inner, "/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(run.waitFor()).isZero();
        SensorRecord.Exec exec =
                await(SensorRecord.Exec.class, e -> e.filename().equals(tool.toString()));
        SensorRecord.ExecDetails details = exec.details();
        assertThat(exec.header().uid()).isEqualTo(65534);
        assertThat(exec.header().gid()).isEqualTo(65534);
        assertThat(exec.header().euid()).isZero();
        assertThat(exec.header().egid()).isZero();
        assertThat(details.credentials().euid()).isZero();
        assertThat(details.credentials().fsuid()).isZero();
        assertThat(details.credentials().capEffective() & (1L << 21))
                .as("CAP_SYS_ADMIN, an effective root's")
                .isNotZero();
        assertThat(details.credentials().capPermitted())
                .isEqualTo(details.credentials().capEffective());
        String loginUid = Files.readString(Path.of("/proc/self/loginuid")).trim();
        assertThat(Integer.toUnsignedLong(details.credentials().auid())).isEqualTo(Long.parseLong(loginUid));
        assertThat(details.tty()).matches("pts[0-9]+");
        assertThat(details.environment()).contains("VIGIL_IT_MARK=yes", "LD_PRELOAD=");
        assertThat(details.environmentCut()).isFalse();
        assertThat(details.interpreter()).isFalse();
        SensorRecord.FileStat file = details.file();
        assertThat(file.inode()).isEqualTo(Files.getAttribute(tool, "unix:ino"));
        assertThat(file.mode()).isEqualTo(Files.getAttribute(tool, "unix:mode"));
        assertThat(file.uid()).isZero();
        java.time.Instant modified = Files.getLastModifiedTime(tool).toInstant();
        assertThat(file.modifiedNanos()).isEqualTo(modified.getEpochSecond() * 1_000_000_000L + modified.getNano());
        assertThat(file.changedNanos()).isGreaterThanOrEqualTo(file.modifiedNanos());
        assertThat(file.filesystem()).isEqualTo(filesystem(tool));
        assertThat(file.mountId()).isPositive();
        assertThat(file.upperLayer()).isFalse();
    }

    /** The file system type {@code findmnt} gives for the mount holding {@code path}. */
    private static String filesystem(Path path) throws Exception {
        Process findmnt = new ProcessBuilder("findmnt", "-n", "-o", "FSTYPE", "-T", path.toString()).start();
        String type =
                new String(findmnt.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        findmnt.waitFor();
        return type;
    }

    /**
     * An overlay, as a container's root is: a file of the lower (image) layer is not in the upper layer; one written
     * through the overlay is, and is what Datadog's rules about binaries dropped into a container look for.
     */
    @Test
    void anOverlaysUpperLayerIsToldFromItsLowerOne(@TempDir Path dir) throws Exception {
        Path lower = Files.createDirectories(dir.resolve("lower"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path merged = Files.createDirectories(dir.resolve("merged"));
        Files.copy(Path.of("/bin/true"), lower.resolve("from-image")).toFile().setExecutable(true);
        String options = "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
        assertThat(new ProcessBuilder("mount", "-t", "overlay", "vigil-it", "-o", options, merged.toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
        try {
            Path dropped = Files.copy(Path.of("/bin/true"), merged.resolve("dropped"));
            dropped.toFile().setExecutable(true);
            for (String name : List.of("from-image", "dropped")) {
                Process run = new ProcessBuilder(merged.resolve(name).toString()).start();
                assertThat(run.waitFor()).isZero();
            }
            SensorRecord.Exec fromImage = await(
                    SensorRecord.Exec.class,
                    e -> e.filename().equals(merged.resolve("from-image").toString()));
            SensorRecord.Exec fromUpper = await(
                    SensorRecord.Exec.class,
                    e -> e.filename().equals(merged.resolve("dropped").toString()));
            assertThat(fromImage.details().file().filesystem()).isEqualTo("overlay");
            assertThat(fromImage.details().file().upperLayer()).isFalse();
            assertThat(fromUpper.details().file().filesystem()).isEqualTo("overlay");
            assertThat(fromUpper.details().file().upperLayer()).isTrue();
        } finally {
            new ProcessBuilder("umount", merged.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void seesAConnectionWithItsAddressAndPort() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Process bash = new ProcessBuilder("/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port).start();
            long pid = bash.pid();
            bash.waitFor();
            SensorRecord.Connect connect =
                    await(SensorRecord.Connect.class, c -> c.header().pid() == pid);
            assertThat(connect.address().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(connect.port()).isEqualTo(port);
        }
    }

    @Test
    void skipsItsOwnFileCalls(@TempDir Path dir) throws Exception {
        Path own = Files.writeString(dir.resolve("own"), "x");
        Files.readString(own);
        Process marker = new ProcessBuilder("/bin/true").start();
        long pid = marker.pid();
        marker.waitFor();
        await(SensorRecord.Exit.class, e -> e.header().pid() == pid); // records up to here were read
        assertThat(seen)
                .filteredOn(r -> r instanceof SensorRecord.Open o && o.path().equals(own.toString()))
                .isEmpty();
    }

    /**
     * The whole path: the sensor's records, the process cache and the mapper, then rules: an exec with its parent and
     * ancestors, an open of a file, a connection, as SECL rules read them.
     */
    @Test
    void rulesMatchTheSensorsEvents(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("watched"), "secret");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            String policy = """
                    rules:
                      - id: cat_from_a_shell_of_java
                        expression: >-
                          exec.file.name == "cat" && process.parent.file.name in ["sh", "dash", "bash"]
                          && process.ancestors.file.name == "java" && exec.argv == "%s"
                      - id: watched_file_read
                        expression: open.file.path == "%s" && process.file.name == "cat" && open.flags & O_CREAT == 0
                      - id: local_connection
                        expression: connect.addr.ip == 127.0.0.1/32 && connect.addr.port == %d
                    """.formatted(file, file, port);
            vigil.threats.rules.event.FieldCatalog catalog = vigil.threats.rules.event.FieldCatalog.linux();
            vigil.threats.rules.policy.RuleSet rules = new vigil.threats.rules.policy.PolicyLoader(
                            catalog,
                            vigil.threats.rules.engine.Constants.linux(),
                            vigil.threats.rules.policy.Environment.ofThisHost(),
                            vigil.threats.rules.policy.SensorProfile.linuxTracepoints())
                    .load(List.of(vigil.threats.rules.policy.PolicyReader.read("it.policy", policy)));
            assertThat(rules.rules()).hasSize(3);
            vigil.threats.rules.policy.RuleRunner runner = new vigil.threats.rules.policy.RuleRunner(rules, catalog);
            EventMapper mapper = new EventMapper(ProcessCache.fromProc(Path.of("/proc")), catalog, Path.of("/proc"));

            Process shell = new ProcessBuilder(
                            "/bin/bash",
                            "-c",
                            "/bin/cat \"$0\" >/dev/null; exec 3<>/dev/tcp/127.0.0.1/$1; exit 0",
                            file.toString(),
                            Integer.toString(port))
                    .start();
            long pid = shell.pid();
            shell.waitFor();
            await(SensorRecord.Exit.class, e -> e.header().pid() == pid);

            java.util.Set<String> matched = new java.util.TreeSet<>();
            for (SensorRecord record : seen) {
                mapper.map(record)
                        .ifPresent(event -> runner.evaluate(event).forEach(match -> matched.add(match.ruleId())));
            }
            assertThat(matched).contains("cat_from_a_shell_of_java", "watched_file_read", "local_connection");
        }
    }
}
