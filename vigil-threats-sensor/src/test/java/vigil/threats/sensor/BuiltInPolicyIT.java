package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.threats.sensor.PolicyTriggers.number;
import static vigil.threats.sensor.PolicyTriggers.run;
import static vigil.threats.sensor.PolicyTriggers.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.RuleRunner;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * Every rule of Vigil's built-in policy, fired on this machine by doing what it is about, harmlessly (CI runs as
 * root): the real sensor, the process cache and the engine, as {@code vigil threats watch} runs them. The files a
 * rule is about are created empty under names of the test's own and removed; system files are opened, never
 * written. The sensor runs with the policy's open approvers, so an approver that left out an open a rule is about
 * would fail its rule's test; it records the further system calls the policy's event types are made of (chmod, ptrace,
 * bpf, load_module), and only those. docs/threats-coverage.md lists these triggers.
 */
class BuiltInPolicyIT {
    private static final FieldCatalog CATALOG = FieldCatalog.linux();
    private static final List<Fired> FIRED = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static Sensor sensor;
    private static Thread poller;

    /** A signal: the rule and the event's process. */
    record Fired(String rule, long pid, String processPath, Event event) {}

    @BeforeAll
    static void start() {
        RuleSet rules = new PolicyLoader(
                        CATALOG, Constants.linux(), Environment.ofThisHost(), SensorProfile.linuxTracepoints())
                .load(List.of(BuiltInPolicy.read()));
        RuleRunner runner = new RuleRunner(rules, CATALOG);
        Path proc = Path.of("/proc");
        EventMapper mapper = new EventMapper(ProcessCache.fromProc(proc), CATALOG, proc);
        RuleRunner.MatchSink sink = (rule, variant, signal, event) -> FIRED.add(new Fired(
                rule.definition().id(), number(event, "process.pid"), text(event, "process.file.path"), event));
        // as vigil threats watch runs it: with the policy's open approvers in the kernel
        java.util.Set<String> types = new java.util.TreeSet<>(List.of("chdir"));
        rules.rules().forEach(rule -> rule.variants().forEach(variant -> types.add(variant.eventType())));
        sensor = Sensor.start(
                record -> mapper.map(record).ifPresent(event -> runner.evaluate(event, sink)),
                OpenApprovers.of(rules).orElseThrow(),
                Syscalls.wanted(types));
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
        sensor.close();
    }

    /** The rule's signal for the process {@code pid}, waited for. */
    private static Fired fired(String rule, long pid) throws InterruptedException {
        return fired(rule, fired -> fired.pid() == pid);
    }

    /** The first signal of the rule that {@code which} accepts, waited for (10 s). */
    private static Fired fired(String rule, java.util.function.Predicate<Fired> which) throws InterruptedException {
        return PolicyTriggers.await(
                FIRED,
                fired -> fired.rule().equals(rule) && which.test(fired),
                fired -> true,
                "no " + rule + " signal as expected",
                f -> f.rule() + "@" + f.pid() + ":" + f.processPath());
    }

    @Test
    void execFromTemporaryDirectory(@TempDir Path temp) throws Exception {
        Path dropped = Files.copy(Path.of("/bin/true"), temp.resolve("dropped"), StandardCopyOption.REPLACE_EXISTING);
        long pid = run(dropped.toString());
        assertThat(fired("exec_from_temporary_directory", pid).processPath()).isEqualTo(dropped.toString());
        // a script dropped there too: the process is the script's, not its interpreter's
        Path script = Files.writeString(temp.resolve("dropped.sh"), "#!/bin/sh\nexit 0\n");
        script.toFile().setExecutable(true);
        long scriptPid = run(script.toString());
        assertThat(fired("exec_from_temporary_directory", scriptPid).processPath())
                .isEqualTo(script.toString());
    }

    @Test
    void shadowFileRead() throws Exception {
        long pid = run("/bin/cat", "/etc/shadow");
        assertThat(fired("shadow_file_read", pid).processPath()).isEqualTo("/usr/bin/cat");
    }

    /**
     * A path that names /etc/shadow only once resolved ({@code ..}, doubled slashes) is not left out by the kernel's
     * approvers (it starts with no approved prefix) and reaches the rule normalized: no evasion by spelling. A
     * relative path through a directory descriptor likewise (find and friends open that way).
     */
    @Test
    void shadowFileReadByAnotherSpelling(@TempDir Path temp) throws Exception {
        for (String spelling :
                List.of("/tmp/../etc/shadow", "//etc//shadow", "/etc/./shadow", "/var/log/../../etc/shadow")) {
            long pid = run("/bin/cat", spelling);
            assertThat(text(fired("shadow_file_read", pid).event(), "open.file.path"))
                    .as(spelling)
                    .isEqualTo("/etc/shadow");
        }
        // python's open with dir_fd: openat(fd of /etc, "shadow"), and the descriptor closed at once: /proc no
        // longer knows it by the time the record is read, so the directory must come from the kernel's record
        long pid = run(
                "python3",
                "-c",
                "import os\nfd = os.open('/etc', os.O_RDONLY)\nos.close(os.open('shadow', os.O_RDONLY, dir_fd=fd))\n"
                        + "os.close(fd)\nimport time\ntime.sleep(0.3)");
        assertThat(text(fired("shadow_file_read", pid).event(), "open.file.path"))
                .isEqualTo("/etc/shadow");
    }

    @Test
    void sshPrivateKeyRead() throws Exception {
        Path ssh = Path.of("/root/.ssh");
        boolean made = !Files.isDirectory(ssh);
        Path key = ssh.resolve("vigil-test-key-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(ssh);
            Files.writeString(key, "not a key");
            long pid = run("/bin/cat", key.toString());
            assertThat(text(fired("ssh_private_key_read", pid).event(), "open.file.path"))
                    .isEqualTo(key.toString());
        } finally {
            Files.deleteIfExists(key);
            if (made) {
                Files.deleteIfExists(ssh);
            }
        }
    }

    /** Opens a file for writing (creating it empty when {@code create}) through the shell's redirection. */
    private static long openForWriting(Path file, boolean append) throws IOException, InterruptedException {
        return run("/bin/sh", "-c", (append ? ": >> \"$0\"" : ": > \"$0\""), file.toString());
    }

    @Test
    void cronJobWritten() throws Exception {
        Path job = Path.of("/etc/cron.d/vigil-test-" + ProcessHandle.current().pid());
        try {
            long pid = openForWriting(job, false);
            assertThat(text(fired("cron_job_written", pid).event(), "open.file.path"))
                    .isEqualTo(job.toString());
        } finally {
            Files.deleteIfExists(job);
        }
    }

    @Test
    void sudoersWritten() throws Exception {
        Path rules =
                Path.of("/etc/sudoers.d/vigil-test-" + ProcessHandle.current().pid());
        try {
            long pid = openForWriting(rules, false);
            assertThat(text(fired("sudoers_written", pid).event(), "open.file.path"))
                    .isEqualTo(rules.toString());
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    @Test
    void accountFilesWritten() throws Exception {
        // opened for appending, nothing written: the file is unchanged
        byte[] before = Files.readAllBytes(Path.of("/etc/group"));
        long pid = openForWriting(Path.of("/etc/group"), true);
        assertThat(fired("account_files_written", pid).processPath()).endsWith("sh");
        assertThat(Files.readAllBytes(Path.of("/etc/group"))).isEqualTo(before);
    }

    @Test
    void cloudMetadataConnection() throws Exception {
        // the address answers nothing here: the connection attempt is what the rule is about
        run("/usr/bin/timeout", "2", "/bin/bash", "-c", "exec 3<>/dev/tcp/169.254.169.254/80");
        Fired fired = fired(
                "cloud_metadata_connection",
                f -> text(f.event(), "process.file.name").equals("bash"));
        assertThat(CATALOG.find("connect.addr.ip").map(fired.event()::value).orElseThrow())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.ARRAY)
                .singleElement()
                .asString()
                .startsWith("169.254.169.254");
        assertThat(number(fired.event(), "connect.addr.port")).isEqualTo(80);
    }

    @Test
    void shellFromWebServer(@TempDir Path temp) throws Exception {
        // a program named like a web server that starts a shell
        Path nginx = Files.copy(Path.of("/bin/bash"), temp.resolve("nginx"), StandardCopyOption.REPLACE_EXISTING);
        run(nginx.toString(), "-c", "/bin/sh -c 'exit 0'; exit 0");
        Fired fired = fired(
                "shell_from_web_server",
                f -> text(f.event(), "process.parent.file.path").equals(nginx.toString()));
        assertThat(text(fired.event(), "exec.file.name")).isIn("sh", "dash"); // /bin/sh, resolved
    }

    @Test
    void logFileTruncated() throws Exception {
        Path log = Path.of("/var/log/vigil-test-" + ProcessHandle.current().pid() + ".log");
        try {
            long pid = openForWriting(log, false);
            assertThat(text(fired("log_file_truncated", pid).event(), "open.file.path"))
                    .isEqualTo(log.toString());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A command of {@link SyscallTrigger} in a JVM of its own (the sensor skips the test's own process). */
    private static long trigger(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SyscallTrigger.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return process.pid();
    }

    @Test
    void executableMadeInTemporaryDirectory(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("payload"), "#!/bin/sh\n");
        long pid = run("/bin/chmod", "755", file.toString());
        Fired fired = fired("executable_made_in_temporary_directory", pid);
        assertThat(text(fired.event(), "chmod.file.path")).isEqualTo(file.toString());
        assertThat(number(fired.event(), "chmod.file.destination.mode")).isEqualTo(0755);
    }

    @Test
    void processAttachedWithPtrace() throws Exception {
        Process tracee = new ProcessBuilder("sleep", "30").start();
        try {
            long pid = trigger("ptrace-attach", Long.toString(tracee.pid()));
            Fired fired = fired("process_attached_with_ptrace", pid);
            assertThat(number(fired.event(), "ptrace.tracee.pid")).isEqualTo(tracee.pid());
            assertThat(fired.processPath()).endsWith("/bin/java");
        } finally {
            tracee.destroyForcibly();
        }
    }

    @Test
    void bpfProgramLoaded() throws Exception {
        long pid = trigger("bpf-prog-load");
        assertThat(number(fired("bpf_program_loaded", pid).event(), "bpf.prog.type"))
                .isEqualTo(1);
    }

    @Test
    void kernelModuleLoadAttempted() throws Exception {
        long pid = trigger("init-module-garbage");
        Fired fired = fired("kernel_module_loaded", pid);
        assertThat(CATALOG.find("load_module.loaded_from_memory")
                        .map(fired.event()::value)
                        .orElse(null))
                .isEqualTo(new boolean[] {true});
    }
}
