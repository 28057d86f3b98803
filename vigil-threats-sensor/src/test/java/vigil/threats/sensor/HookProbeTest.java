package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the hook probe's answers read: per kind, what the kernel's error most likely means. */
class HookProbeTest {
    private static HookProbe.Verdict works(HookProbe.Hook hook) {
        return new HookProbe.Verdict(hook, null);
    }

    private static HookProbe.Verdict refused(HookProbe.Hook hook, String step, int errno) {
        return new HookProbe.Verdict(hook, step + ": " + HookProbe.explain(hook, errno, true));
    }

    /** This machine's kernel: tracepoints of every kind, no kprobe events, trampolines and BPF-LSM refused. */
    private static final List<HookProbe.Verdict> TRACEPOINTS_ONLY = List.of(
            works(HookProbe.Hook.TP_BTF),
            works(HookProbe.Hook.RAW_TP),
            works(HookProbe.Hook.TRACEPOINT),
            refused(HookProbe.Hook.KPROBE, "attach", 2),
            refused(HookProbe.Hook.FENTRY, "load", 1),
            refused(HookProbe.Hook.FEXIT, "load", 1),
            refused(HookProbe.Hook.LSM, "load", 1));

    @Test
    void theLinesNameWhatWorksWhatTheSensorUsesAndWhyTheRestIsRefused() {
        List<String> lines = HookProbe.describe(TRACEPOINTS_ONLY);
        assertThat(lines.getFirst())
                .isEqualTo(
                        "kernel hooks that load and attach here: tp_btf, raw_tp, tracepoint; the sensor uses tp_btf");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1))
                .startsWith("kprobe refused (kprobes): attach: ENOENT, not found: this kernel offers"
                        + " no kprobe events (CONFIG_KPROBE_EVENTS)");
        assertThat(lines.get(2)).contains("fentry refused", "load: EPERM", "refuses BPF trampolines");
        assertThat(lines.get(4)).contains("lsm refused", "CONFIG_BPF_LSM");
        assertThat(HookProbe.summary(TRACEPOINTS_ONLY))
                .isEqualTo("tp_btf, raw_tp, tracepoint work; kprobe, fentry, fexit, lsm refused");
        assertThat(HookProbe.whyNotTheSensor(TRACEPOINTS_ONLY)).isNull();
    }

    @Test
    void withoutPrivilegeEveryKindSaysWhatToRunAs() {
        assertThat(HookProbe.explain(HookProbe.Hook.TP_BTF, 1, true))
                .isEqualTo("EPERM, operation not permitted: run as root, or with CAP_BPF and CAP_PERFMON");
        // once tp_btf was refused for privilege, an EPERM on a trampoline is the same cause, not the kernel's make
        assertThat(HookProbe.explain(HookProbe.Hook.FENTRY, 1, false))
                .isEqualTo("EPERM, operation not permitted: run as root, or with CAP_BPF and CAP_PERFMON");
        assertThat(HookProbe.explain(HookProbe.Hook.FENTRY, 1, true)).contains("refuses BPF trampolines");
    }

    @Test
    void errorsWithoutAKnownMeaningKeepTheKernelsWord() {
        assertThat(HookProbe.explain(HookProbe.Hook.KPROBE, 16, true)).isEqualTo("EBUSY, busy");
        assertThat(HookProbe.explain(HookProbe.Hook.FEXIT, 3, true))
                .isEqualTo("ESRCH, no such function: do_filp_open is not in the kernel's BTF");
        assertThat(HookProbe.errnoName(4242)).isEqualTo("errno 4242");
    }

    @Test
    void aKernelWithoutTheSensorsKindSaysWhatItAllowsInstead() {
        List<HookProbe.Verdict> none = List.of(refused(HookProbe.Hook.TP_BTF, "load", 22));
        assertThat(HookProbe.whyNotTheSensor(none))
                .isEqualTo("the sensor's programs are tp_btf tracepoints, which this kernel refuses (load: EINVAL,"
                        + " invalid argument: this kernel is older than 5.5 or has no BTF (/sys/kernel/btf/vmlinux))");
        assertThat(HookProbe.describe(none).getFirst())
                .isEqualTo("kernel hooks that load and attach here: none; the sensor needs tp_btf, refused here");
        assertThat(HookProbe.summary(none)).isEqualTo("none works; tp_btf refused");
    }
}
