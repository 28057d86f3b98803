package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * A signal from a process in a container carries the container, on the real sensor (CI runs as root). No container
 * runtime runs on the CI machine, so the test does what runc does: it makes a cgroup where Docker puts a container's
 * ({@code docker/ID} under cgroup v1, {@code docker-ID.scope} under v2), moves a shell into it, and the shell then
 * runs {@code cat /etc/shadow}. The built-in policy's rule fires with the container's id and runtime.
 */
class ContainerSignalIT {
    @Test
    void aProcessInAContainersCgroupIsAttributedToIt() throws Exception {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Path cgroup = Files.isDirectory(Path.of("/sys/fs/cgroup/pids"))
                ? Path.of("/sys/fs/cgroup/pids/docker", id) // cgroup v1 (hybrid)
                : Path.of("/sys/fs/cgroup/docker-" + id + ".scope"); // cgroup v2
        Files.createDirectories(cgroup);
        RuleSet rules = new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.ofThisHost(),
                        SensorProfile.linuxTracepoints())
                .load(List.of(BuiltInPolicy.read()));
        List<Signal> signals = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try (ThreatPipeline pipeline = new ThreatPipeline(
                        rules,
                        ThreatPipeline.Options.defaults(),
                        Path.of("/proc"),
                        Path.of("/etc"),
                        containerId -> containerId.equals(id) ? "registry.example/shop:1.4" : null,
                        Clock.systemUTC())
                .start()) {
            Thread poller = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    pipeline.poll(50);
                    signals.addAll(pipeline.take());
                }
            });
            try {
                Process shell = new ProcessBuilder(
                                "/bin/sh",
                                "-c",
                                "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec /bin/cat /etc/shadow")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(shell.exitValue()).isZero();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                Signal found = null;
                while (found == null && System.nanoTime() < deadline) {
                    found = signals.stream()
                            .filter(s -> s.ruleId().equals("shadow_file_read")
                                    && s.process().pid() == shell.pid())
                            .findFirst()
                            .orElse(null);
                    Thread.sleep(50);
                }
                assertThat(found).as("signals: %s", signals).isNotNull();
                assertThat(found.container())
                        .isEqualTo(new Signal.Container(id, "docker", "registry.example/shop:1.4"));
                assertThat(found.process().path()).isEqualTo("/usr/bin/cat");
                assertThat(found.ancestors().getFirst().pid())
                        .isEqualTo(ProcessHandle.current().pid());
                assertThat(found.event()).containsEntry("process.container.id", id);
            } finally {
                running.set(false);
                poller.join();
            }
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }
}
