package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of BPF hook tried on this kernel (CI runs as root), and the sensor's start deciding by the answers. */
class HookProbeIT {
    @Test
    void everyKindOfHookIsTriedAndTheSensorsKindWorks() {
        List<HookProbe.Verdict> verdicts = HookProbe.run();
        assertThat(verdicts).extracting(HookProbe.Verdict::hook).containsExactly(HookProbe.Hook.values());
        // the sensor's programs are tp_btf tracepoints, which load here: so does the probe's
        assertThat(verdicts.getFirst().hook()).isEqualTo(HookProbe.SENSOR);
        assertThat(verdicts.getFirst().refusal()).isNull();
        for (HookProbe.Verdict verdict : verdicts) {
            if (!verdict.works()) {
                // the step that failed and the kernel's error, never a bare exception
                assertThat(verdict.refusal()).matches("(load|attach): E[A-Z0-9]+, .*");
            }
        }
    }

    @Test
    void theProbeLeavesNothingAttached() throws Exception {
        long before = bpfLinks();
        HookProbe.run();
        HookProbe.run();
        assertThat(bpfLinks()).isEqualTo(before);
        try (Sensor sensor = Sensor.start(record -> {})) {
            assertThat(bpfLinks())
                    .as("the count sees a running sensor's objects")
                    .isGreaterThan(before);
        }
    }

    /** BPF objects (programs, maps, links) this process holds, as /proc names its descriptors. */
    private static long bpfLinks() throws Exception {
        long links = 0;
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            for (java.nio.file.Path fd : fds.toList()) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("anon_inode:bpf")) {
                        links++;
                    }
                } catch (java.io.IOException gone) {
                    // the listing's own descriptor
                }
            }
        }
        return links;
    }

    @Test
    void aStartedSensorCarriesTheVerdictsItChoseBy() {
        try (Sensor sensor = Sensor.start(record -> {})) {
            List<HookProbe.Hook> working = new ArrayList<>();
            sensor.hooks().stream().filter(HookProbe.Verdict::works).forEach(v -> working.add(v.hook()));
            assertThat(working).contains(HookProbe.Hook.TP_BTF);
            assertThat(sensor.hooks())
                    .extracting(HookProbe.Verdict::works)
                    .containsExactlyElementsOf(HookProbe.run().stream()
                            .map(HookProbe.Verdict::works)
                            .toList());
        }
    }

    /** A kernel without tp_btf (older than 5.5): the sensor says so, naming what works, and loads nothing. */
    @Test
    void aKernelThatRefusesTheSensorsKindOfHookIsToldSo() throws Exception {
        long before = bpfLinks();
        List<HookProbe.Verdict> old = List.of(
                new HookProbe.Verdict(
                        HookProbe.Hook.TP_BTF, "load: " + HookProbe.explain(HookProbe.Hook.TP_BTF, 22, true)),
                new HookProbe.Verdict(HookProbe.Hook.RAW_TP, null),
                new HookProbe.Verdict(HookProbe.Hook.TRACEPOINT, null));
        assertThatThrownBy(() -> Sensor.start(record -> {}, null, List.of(), libbpf -> old))
                .isInstanceOf(SensorException.class)
                .hasMessage("the sensor's programs are tp_btf tracepoints, which this kernel refuses (load: EINVAL,"
                        + " invalid argument: this kernel is older than 5.5 or has no BTF (/sys/kernel/btf/vmlinux));"
                        + " it allows raw_tp, tracepoint, which the sensor has no programs for");
        assertThat(bpfLinks()).isEqualTo(before);
    }
}
