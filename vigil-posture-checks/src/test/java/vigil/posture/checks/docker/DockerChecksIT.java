package vigil.posture.checks.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.agent.docker.DockerEngine;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.posture.checks.BuiltInRules;
import vigil.posture.checks.ConfigScan;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;

/**
 * The CIS Docker rules on a real Docker daemon (Debian's docker.io; CI starts dockerd): containers started with bad
 * settings (host namespaces, sensitive and Docker-socket mounts, an added capability, seccomp unconfined, a
 * privileged port on every address, no limits, root) and one started with good ones, each rule's verdict read back
 * through the Engine API. {@code --privileged} cannot start on these machines (the sandbox withholds a capability);
 * DockerHostTest covers that rule from inspect data.
 */
class DockerChecksIT {
    private static final Path SOCKET = Path.of("/var/run/docker.sock");
    private static final String IMAGE = "vigil-test/debian:bookworm";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> STARTED = new ArrayList<>();
    private static final List<String> BUILT = new ArrayList<>();

    private static PostureEngine engine;
    private static Map<String, Map<String, Status>> verdicts;

    @BeforeAll
    static void startContainers() throws Exception {
        boolean present = Files.exists(SOCKET) && Files.isExecutable(Path.of("/usr/bin/docker"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no Docker daemon at " + SOCKET + "; CI must install docker.io and start dockerd");
        }
        assumeTrue(present, "no Docker daemon here");
        if (docker("image", "inspect", IMAGE).exit() != 0) {
            Path rootfs =
                    Path.of(System.getenv().getOrDefault("VIGIL_TEST_ROOTFS", "/var/cache/vigil/rootfs-bookworm"));
            assertThat(rootfs.resolve("var/lib/dpkg/status"))
                    .as("scripts/test-rootfs.sh makes it")
                    .exists();
            Run imported =
                    run(List.of("sh", "-c", "tar -C \"$0\" -c . | docker import - \"$1\"", rootfs.toString(), IMAGE));
            assertThat(imported.exit()).as(imported.output()).isZero();
        }
        start(
                "bad",
                "--pid=host",
                "--ipc=host",
                "--uts=host",
                "-v",
                "/etc:/host-etc:ro",
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
                "--cap-add",
                "SYS_ADMIN",
                "--security-opt",
                "seccomp=unconfined",
                "-p",
                "80:80",
                "--restart",
                "always");
        start("hostnet", "--network", "host", "--read-only");
        start(
                "good",
                "--read-only",
                "--memory",
                "64m",
                "--cpus",
                "0.5",
                "--pids-limit",
                "50",
                "--security-opt",
                "no-new-privileges",
                "--cap-drop",
                "ALL",
                "--user",
                "1000:1000",
                "--restart",
                "on-failure:3",
                "--health-cmd",
                "/bin/true",
                "--network",
                "none");
        build("good-image", "FROM " + IMAGE + "\nUSER 1000:1000\nHEALTHCHECK CMD [\"/bin/true\"]\n");
        // the rule reads the build step's text: echo keeps the build off the network
        build("bad-image", "FROM " + IMAGE + "\nRUN echo apt-get update\n");
        start("imggood", "--network", "none");
        start("imgbad", "--network", "none");
        var read = BuiltInRules.load(List.of());
        engine = PostureEngine.compile(read.rules()).engine();
        ConfigScan.Report report;
        try (DirectoryRootFs fs = new DirectoryRootFs(Path.of("/"), "host /")) {
            report = ConfigScan.docker(
                    engine, new DockerEngine(SOCKET, Duration.ofSeconds(10)), fs, Path.of("/proc"), "ci");
        }
        verdicts = new TreeMap<>();
        for (Result result : report.results()) {
            verdicts.computeIfAbsent(result.resource().name(), name -> new TreeMap<>())
                    .put(result.rule().id().replace("vigil-docker-", ""), result.status());
        }
    }

    @AfterAll
    static void removeContainers() throws Exception {
        for (String name : STARTED) {
            docker("rm", "-f", name);
        }
        for (String image : BUILT) {
            docker("rmi", "-f", image);
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Run docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/docker"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static void build(String name, String dockerfile) throws Exception {
        Path context = Files.createTempDirectory("vigil-docker-build");
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        Run built = docker("build", "-q", "-t", "vigil-test/" + name + ":" + SUFFIX, context.toString());
        assertThat(built.exit()).as(built.output()).isZero();
        BUILT.add("vigil-test/" + name + ":" + SUFFIX);
    }

    private static void start(String name, String... options) throws Exception {
        String container = "vigil-" + name + "-" + SUFFIX;
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", container));
        args.addAll(List.of(options));
        String image = name.startsWith("img")
                ? "vigil-test/" + (name.equals("imggood") ? "good" : "bad") + "-image:" + SUFFIX
                : IMAGE;
        args.addAll(List.of(image, "sleep", "600"));
        Run started = docker(args.toArray(String[]::new));
        assertThat(started.exit()).as(started.output()).isZero();
        STARTED.add(container);
    }

    private static Map<String, Status> of(String name) {
        Map<String, Status> container = verdicts.get("vigil-" + name + "-" + SUFFIX);
        assertThat(container)
                .as("verdicts of " + name + " in " + verdicts.keySet())
                .isNotNull();
        return container;
    }

    private static List<String> failing(Map<String, Status> container) {
        return container.entrySet().stream()
                .filter(entry -> entry.getValue() == Status.FAIL)
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    @Test
    void aContainerStartedWithBadSettingsFailsEachRuleItBreaks() {
        assertThat(failing(of("bad")))
                .containsExactlyInAnyOrder(
                        "container-host-pid",
                        "container-host-ipc",
                        "container-host-uts",
                        "container-sensitive-mounts",
                        "container-docker-socket",
                        "container-capabilities",
                        "container-seccomp",
                        "container-privileged-ports",
                        "container-bind-address",
                        "container-restart-policy",
                        "container-memory",
                        "container-cpu",
                        "container-read-only-root",
                        "container-user",
                        "container-pids-limit",
                        "container-healthcheck",
                        "container-no-new-privileges",
                        "container-default-bridge");
        assertThat(of("hostnet"))
                .containsEntry("container-host-network", Status.FAIL)
                .containsEntry("container-read-only-root", Status.PASS);
    }

    @Test
    void aContainerStartedWithGoodSettingsPassesEveryContainerRule() {
        Map<String, Status> good = of("good");
        assertThat(failing(good)).isEmpty();
        assertThat(good)
                .containsEntry("container-privileged", Status.PASS)
                .containsEntry("container-user", Status.PASS);
        assertThat(good.values()).doesNotContain(Status.ERROR, Status.UNKNOWN);
    }

    @Test
    void imagesAreCheckedForTheirUserHealthCheckAndBuildSteps() {
        Map<String, Status> good = verdicts.get("vigil-test/good-image:" + SUFFIX);
        Map<String, Status> bad = verdicts.get("vigil-test/bad-image:" + SUFFIX);
        assertThat(good).as(verdicts.keySet().toString()).isNotNull();
        assertThat(bad).isNotNull();
        assertThat(good)
                .containsEntry("image-user", Status.PASS)
                .containsEntry("image-healthcheck", Status.PASS)
                .containsEntry("image-update-alone", Status.PASS);
        assertThat(bad)
                .containsEntry("image-user", Status.FAIL)
                .containsEntry("image-healthcheck", Status.FAIL)
                .containsEntry("image-update-alone", Status.FAIL);
    }

    @Test
    void theDaemonAndItsFilesAreExamined() {
        assertThat(verdicts).containsKey("dockerd");
        assertThat(verdicts.get("dockerd"))
                .containsKeys("daemon-icc", "daemon-seccomp", "daemon-tls", "daemon-insecure-registries")
                .containsEntry("daemon-seccomp", Status.PASS)
                .containsEntry("daemon-tls", Status.PASS)
                .doesNotContainValue(Status.ERROR);
        assertThat(verdicts.get("/var/run/docker.sock"))
                .containsKeys("file-var-run-docker-sock-permissions", "file-var-run-docker-sock-owner");
    }
}
