package vigil.threats.rules.policy;

import java.util.Map;
import java.util.Optional;

/**
 * The event types a sensor provides, and why the others are missing: what {@code rules check} reports a rule
 * {@code unsupported} for. Vigil's Linux sensor attaches to tracepoints only (raw syscall tracepoints and
 * scheduler/module tracepoints; no kprobes, fentry or LSM hooks, ADR 0039), so events that need network packets,
 * the LSM or kernel internals reached only by kprobes are not provided. Vigil's extensions of SECL's model
 * ({@code symlink} and {@code dup} events, {@code process.cwd}, {@code container.privileged}...) are not listed as
 * missing: the sensor provides them (docs/threats-events.md, "Vigil's extensions"). The sensor records system calls as
 * they are made (on entry), so the {@code *.retval} fields are not given: a rule about a call's result never matches.
 */
public record SensorProfile(String name, Map<String, String> missing, boolean givesResults) {
    /** What Vigil's eBPF sensor (tracepoints only) cannot provide, by event type, with the reason. */
    public static SensorProfile linuxTracepoints() {
        String packets = "needs network packet capture, which the tracepoint sensor does not do";
        return new SensorProfile(
                "linux-tracepoints",
                false,
                Map.ofEntries(
                        Map.entry("dns", packets),
                        Map.entry("imds", packets),
                        Map.entry("packet", packets),
                        Map.entry("network_flow_monitor", packets),
                        Map.entry("selinux", "needs SELinux hooks (kprobes on selinuxfs writes)"),
                        Map.entry(
                                "sysctl", "needs the cgroup sysctl hook (a BPF program type the sensor does not load)"),
                        Map.entry("cgroup_write", "needs kprobes on cgroup file writes"),
                        Map.entry(
                                "accept",
                                "needs the accepted address, known only when the call returns; the sensor records"
                                        + " calls as they are made"),
                        Map.entry("capabilities", "needs kprobes on the kernel's capability checks")));
    }

    /** Every event type (a rule check that ignores the sensor). */
    public static SensorProfile everything() {
        return new SensorProfile("all", Map.of(), true);
    }

    private SensorProfile(String name, boolean givesResults, Map<String, String> missing) {
        this(name, missing, givesResults);
    }

    /**
     * Why {@code field} is not provided, or empty when it is: a call's result ({@code *.retval}) where the sensor
     * records calls as they are made.
     */
    public Optional<String> missingField(String field) {
        if (!givesResults && field.endsWith(".retval")) {
            return Optional.of("the tracepoint sensor records system calls as they are made, before their result is"
                    + " known, so a rule on " + field + " would never match");
        }
        return Optional.empty();
    }

    /**
     * The parts of a field name ({@code .envs}, {@code .tty_name}...) that Vigil's tracepoint sensor does not fill in,
     * with why: a rule reading one still loads, and reads it as empty or zero, so {@code rules check} names them. Found
     * by running Datadog's default policy on the real sensor (DefaultPolicyIT in vigil-threats-sensor).
     */
    private static final Map<String, String> NOT_GIVEN = Map.ofEntries(
            Map.entry(".envs", "environments are not read"),
            Map.entry(".envp", "environments are not read"),
            Map.entry(".envs_truncated", "environments are not read"),
            Map.entry(".tty_name", "terminals are not resolved"),
            Map.entry(".auid", "the audit login id is not read"),
            Map.entry(".euid", "only the real uid and gid are read"),
            Map.entry(".egid", "only the real uid and gid are read"),
            Map.entry(".fsuid", "only the real uid and gid are read"),
            Map.entry(".fsgid", "only the real uid and gid are read"),
            Map.entry(".cap_effective", "capabilities are not read"),
            Map.entry(".cap_permitted", "capabilities are not read"),
            Map.entry(".in_upper_layer", "overlay layers are not resolved"),
            Map.entry(".modification_time", "files are not stat'ed"),
            Map.entry(".change_time", "files are not stat'ed"),
            Map.entry(".file.inode", "files are not stat'ed"),
            Map.entry(".file.uid", "files are not stat'ed"),
            Map.entry(".file.gid", "files are not stat'ed"),
            Map.entry(".file.mode", "files are not stat'ed"),
            Map.entry(".filesystem", "mounts are not resolved"),
            Map.entry(".user_session.k8s_username", "Kubernetes user sessions are not tracked"),
            Map.entry(".addr.hostname", "the name a connection was made to needs DNS events (packet capture)"),
            Map.entry("container.created_at", "container creation times are not read"),
            Map.entry("container.tags", "container tags are not read"),
            Map.entry(".prog.helpers", "a BPF program's helpers are not decoded"),
            Map.entry(".tracee.euid", "only the real uid and gid are read"));

    /** The parts of {@link #NOT_GIVEN} that are about a process (elsewhere a system call's own field gives them). */
    private static final java.util.Set<String> PROCESS_ONLY = java.util.Set.of(
            ".envs",
            ".envp",
            ".envs_truncated",
            ".tty_name",
            ".auid",
            ".euid",
            ".egid",
            ".fsuid",
            ".fsgid",
            ".cap_effective",
            ".cap_permitted",
            ".user_session.k8s_username");

    /**
     * Why Vigil's tracepoint sensor leaves {@code field} empty, or empty when it fills it in (or for a profile that is
     * not the tracepoint sensor's).
     */
    public Optional<String> notGiven(String field) {
        if (!name.equals("linux-tracepoints") || field.equals("open.file.mode")) {
            // an open's mode is the one the call gives a file it creates
            return Optional.empty();
        }
        // a process's own credentials, environment and terminal: the calls that set credentials (setuid.euid,
        // capset.cap_effective...) give theirs
        boolean aProcess = field.startsWith("process.")
                || field.startsWith("exec.")
                || field.startsWith("exit.")
                || field.contains(".tracee.")
                || field.contains(".target.");
        for (Map.Entry<String, String> part : NOT_GIVEN.entrySet()) {
            String key = part.getKey();
            boolean matches =
                    key.startsWith(".") ? field.endsWith(key) || field.contains(key + ".") : field.startsWith(key);
            if (matches && (aProcess || !PROCESS_ONLY.contains(key))) {
                return Optional.of(part.getValue());
            }
        }
        return Optional.empty();
    }

    /** Why events of {@code type} are not provided, or empty when they are. */
    public Optional<String> missing(String type) {
        return Optional.ofNullable(missing.get(type));
    }
}
