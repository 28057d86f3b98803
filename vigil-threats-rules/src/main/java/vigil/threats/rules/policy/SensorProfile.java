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

    /** Why events of {@code type} are not provided, or empty when they are. */
    public Optional<String> missing(String type) {
        return Optional.ofNullable(missing.get(type));
    }
}
