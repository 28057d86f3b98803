package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * A signal from a process in a container carries the container, on the real sensor (CI runs as root). No container
 * runtime runs on the CI machine, so the test does what runc does: it makes a cgroup where the runtime puts a
 * container's, moves a shell into it, and the shell then runs {@code cat /etc/shadow}. The built-in policy's rule
 * fires with the container's id, runtime and image.
 */
class ContainerSignalIT {
    private static String randomId() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Docker's cgroup ({@code docker/ID} under cgroup v1, {@code docker-ID.scope} under v2); its image as asked. */
    @Test
    void aProcessInADockerContainersCgroupIsAttributedToIt() throws Exception {
        String id = randomId();
        Path cgroup = Files.isDirectory(Path.of("/sys/fs/cgroup/pids"))
                ? Path.of("/sys/fs/cgroup/pids/docker", id) // cgroup v1 (hybrid)
                : Path.of("/sys/fs/cgroup/docker-" + id + ".scope"); // cgroup v2
        Signal found = signalFrom(cgroup, containerId -> containerId.equals(id) ? "registry.example/shop:1.4" : null);
        assertThat(found.container()).isEqualTo(new Signal.Container(id, "docker", "registry.example/shop:1.4"));
        assertThat(found.event()).containsEntry("process.container.id", id);
    }

    /**
     * A Kubernetes container of containerd (the kubelet's systemd cgroup driver: {@code cri-containerd-ID.scope} in
     * its pod's slice), its image from the bundle containerd's CRI plugin writes (BundleImages).
     */
    @Test
    void aKubernetesContainerOfContainerdHasItsImageFromItsBundle(@TempDir Path run) throws Exception {
        String id = randomId();
        Path bundle = Files.createDirectories(run.resolve("containerd/io.containerd.runtime.v2.task/k8s.io/" + id));
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion":"1.1.0","process":{"args":["/bin/sh"],"cwd":"/"},"root":{"path":"rootfs"},
                 "annotations":{"io.kubernetes.cri.container-type":"container",
                                "io.kubernetes.cri.image-name":"registry.example/payments:3.2"}}
                """);
        Path base = Files.isDirectory(Path.of("/sys/fs/cgroup/pids"))
                ? Path.of("/sys/fs/cgroup/pids")
                : Path.of("/sys/fs/cgroup");
        Path pod = base.resolve("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + id.substring(0, 8)
                + "_" + id.substring(8, 12) + ".slice");
        Path cgroup = pod.resolve("cri-containerd-" + id + ".scope");
        try {
            Signal found =
                    signalFrom(cgroup, SignalMaker.Images.firstOf(new BundleImages(run), SignalMaker.Images.NONE));
            assertThat(found.container())
                    .isEqualTo(new Signal.Container(id, "containerd", "registry.example/payments:3.2"));
        } finally {
            for (Path p = pod; !p.equals(base); p = p.getParent()) {
                try {
                    Files.deleteIfExists(p); // empty once the cgroup below is gone
                } catch (DirectoryNotEmptyException others) {
                    break; // a real kubelet's pods live here too
                }
            }
        }
    }

    /** The built-in policy's signal for a shell moved into {@code cgroup} that reads /etc/shadow. */
    private static Signal signalFrom(Path cgroup, SignalMaker.Images images) throws Exception {
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
                        images,
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
                assertThat(found.process().path()).isEqualTo("/usr/bin/cat");
                assertThat(found.ancestors().getFirst().pid())
                        .isEqualTo(ProcessHandle.current().pid());
                return found;
            } finally {
                running.set(false);
                poller.join();
            }
        } finally {
            Files.deleteIfExists(cgroup);
        }
    }
}
