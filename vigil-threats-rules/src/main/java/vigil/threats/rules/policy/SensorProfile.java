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
     * What a field is about, as far as what the tracepoint sensor fills in: the event's process or its parent (from
     * the exec the sensor saw, or /proc), an ancestor further up, another process a call names (a ptrace's tracee, a
     * signal's target), or a file or thing a system call names.
     */
    private enum Subject {
        PROCESS,
        ANCESTOR,
        TARGET,
        CALL
    }

    private static Subject subject(String field) {
        if (field.contains(".tracee.") || field.contains(".target.")) {
            return Subject.TARGET;
        }
        if (field.startsWith("process.ancestors.") || field.contains(".ancestors.")) {
            return Subject.ANCESTOR;
        }
        if (field.startsWith("process.") || field.startsWith("exec.") || field.startsWith("exit.")) {
            return Subject.PROCESS;
        }
        return Subject.CALL;
    }

    /** Parts of a process's fields the sensor fills in for the event's process and its parent only. */
    private static final java.util.List<String> PROCESS_DETAILS = java.util.List.of(
            ".envs",
            ".envp",
            ".envs_truncated",
            ".tty_name",
            ".auid",
            ".euid",
            ".egid",
            ".euser",
            ".egroup",
            ".fsuid",
            ".fsgid",
            ".fsuser",
            ".fsgroup",
            ".cap_effective",
            ".cap_permitted");

    /** Parts of a file's fields that come from its inode (stat). */
    private static final java.util.List<String> INODE = java.util.List.of(
            ".file.inode",
            ".file.uid",
            ".file.gid",
            ".file.user",
            ".file.group",
            ".file.mode",
            ".file.modification_time",
            ".file.change_time",
            ".file.mount_id",
            ".file.filesystem",
            ".file.in_upper_layer");

    /** Credentials a call's target process carries (from the exec the sensor saw of it). */
    private static final java.util.List<String> TARGET_CREDENTIALS =
            java.util.List.of(".uid", ".gid", ".euid", ".egid", ".fsuid", ".fsgid", ".cap_effective", ".cap_permitted");

    /** Fields no subject of the sensor's has, with why. */
    private static final Map<String, String> NEVER = Map.ofEntries(
            Map.entry(".user_session.k8s_username", "Kubernetes user sessions are not tracked"),
            Map.entry(".addr.hostname", "the name a connection was made to needs DNS events (packet capture)"),
            Map.entry("container.tags", "container tags are not read"),
            Map.entry(".prog.helpers", "a BPF program's helpers are not decoded"));

    private static boolean has(String field, String part) {
        return field.endsWith(part) || field.contains(part + ".");
    }

    /**
     * Why Vigil's tracepoint sensor leaves {@code field} empty, or empty when it fills it in (or for a profile that is
     * not the tracepoint sensor's). Found by running Datadog's default policy on the real sensor (DefaultPolicyIT in
     * vigil-threats-sensor): a rule reading such a field still loads, reads it as empty or zero, and {@code rules
     * check} names it.
     */
    public Optional<String> notGiven(String field) {
        if (!name.equals("linux-tracepoints") || field.equals("open.file.mode") || field.equals("cgroup.file.inode")) {
            // an open's mode is the one the call gives a file it creates; a cgroup's inode is its id, in every record
            return Optional.empty();
        }
        for (Map.Entry<String, String> never : NEVER.entrySet()) {
            String key = never.getKey();
            if (key.startsWith(".") ? has(field, key) : field.startsWith(key)) {
                return Optional.of(never.getValue());
            }
        }
        Subject subject = subject(field);
        boolean inode = INODE.stream().anyMatch(part -> has(field, part));
        boolean details = PROCESS_DETAILS.stream().anyMatch(part -> has(field, part));
        return switch (subject) {
            // the exec record (or /proc) gives a process's credentials, terminal, environment and executable's inode
            case PROCESS -> Optional.empty();
            case ANCESTOR ->
                inode || details
                        ? Optional.of("given for the process and its parent, not for ancestors further up")
                        : Optional.empty();
            case TARGET ->
                inode || (details && TARGET_CREDENTIALS.stream().noneMatch(part -> has(field, part)))
                        ? Optional.of("a target process carries its ids, credentials and capabilities only")
                        : Optional.empty();
            case CALL ->
                inode
                        ? Optional.of(
                                "a file a system call names is not stat'ed: calls are recorded as they are" + " made")
                        : Optional.empty();
        };
    }

    /** Why events of {@code type} are not provided, or empty when they are. */
    public Optional<String> missing(String type) {
        return Optional.ofNullable(missing.get(type));
    }
}
