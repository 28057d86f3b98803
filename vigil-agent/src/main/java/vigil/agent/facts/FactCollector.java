package vigil.agent.facts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.features.check.ContainerRuntime;
import vigil.features.check.Facts;
import vigil.features.matrix.DeploymentType;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.os.OsDetector;
import vigil.model.OperatingSystem;

/**
 * Reads the agent's facts from the signals a real machine gives: {@code os.name}, the ECS task metadata endpoint,
 * Kubernetes service-account files and environment, {@code /.dockerenv} and cgroups, runtime sockets, the host's
 * os-release and {@code /proc/sys/kernel/osrelease}.
 *
 * @param root the agent's own filesystem root ({@code /})
 * @param hostRoot the host's root: {@code /} on a host, the mounted host filesystem ({@code /host}) in a container
 */
public record FactCollector(
        Path root,
        Path hostRoot,
        Map<String, String> environment,
        String osName,
        String osArch,
        String agentVersion,
        CommandRunner commands,
        HttpClient http) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** EKS clusters issue service-account tokens from {@code https://oidc.eks.<region>.amazonaws.com/id/<id>}. */
    private static final Pattern EKS_ISSUER =
            Pattern.compile("^https://oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/");

    private static final Pattern SEMVER = Pattern.compile("v?(\\d+\\.\\d+(?:\\.\\d+)?)");

    /** The collector for the machine this JVM runs on. */
    public static FactCollector forThisMachine(String agentVersion) {
        Map<String, String> env = System.getenv();
        Path root = Path.of("/");
        Path host = Path.of(env.getOrDefault("VIGIL_HOST_ROOT", "/"));
        if (!env.containsKey("VIGIL_HOST_ROOT") && Files.isRegularFile(Path.of("/host/etc/os-release"))) {
            host = Path.of("/host"); // the usual mount of the host's root in a DaemonSet or docker run
        }
        return new FactCollector(
                root,
                host,
                env,
                System.getProperty("os.name", "Linux"),
                System.getProperty("os.arch", "amd64"),
                agentVersion,
                CommandRunner.system(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    }

    public Facts collect() {
        List<String> signals = new ArrayList<>();
        DeploymentType deployment = deployment(signals);
        String kernel = read(hostRoot.resolve("proc/sys/kernel/osrelease"))
                .or(() -> read(root.resolve("proc/sys/kernel/osrelease")))
                .map(String::strip)
                .orElse("unknown");
        return new Facts(
                deployment,
                signals,
                os(),
                kernel,
                architecture(),
                runtimes(),
                blankToNull(environment.get("VIGIL_HELM_CHART_VERSION")),
                agentVersion,
                Files.exists(root.resolve("sys/kernel/btf/vmlinux")));
    }

    private DeploymentType deployment(List<String> signals) {
        String forced = environment.get("VIGIL_DEPLOYMENT");
        if (forced != null && !forced.isBlank()) {
            try {
                DeploymentType type = DeploymentType.ofId(forced.strip());
                signals.add("set by VIGIL_DEPLOYMENT=" + forced.strip());
                return type;
            } catch (IllegalArgumentException e) {
                signals.add("VIGIL_DEPLOYMENT=" + forced.strip() + " names no deployment type; detected instead");
            }
        }
        if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            signals.add("os.name is " + osName);
            return DeploymentType.WINDOWS;
        }
        String ecs = Optional.ofNullable(environment.get("ECS_CONTAINER_METADATA_URI_V4"))
                .orElse(environment.get("ECS_CONTAINER_METADATA_URI"));
        if (ecs != null && !ecs.isBlank()) {
            signals.add("ECS task metadata endpoint " + ecs);
            String launchType = ecsLaunchType(ecs, signals);
            if ("FARGATE".equalsIgnoreCase(launchType)) {
                signals.add("task launch type FARGATE");
                return DeploymentType.FARGATE;
            }
            return DeploymentType.ECS_EKS;
        }
        Path serviceAccount = root.resolve("var/run/secrets/kubernetes.io/serviceaccount");
        boolean kubernetes = false;
        if (environment.containsKey("KUBERNETES_SERVICE_HOST")) {
            signals.add("KUBERNETES_SERVICE_HOST is set");
            kubernetes = true;
        }
        if (Files.isDirectory(serviceAccount)) {
            signals.add("service account mounted at /var/run/secrets/kubernetes.io/serviceaccount");
            kubernetes = true;
        }
        if (kubernetes) {
            String node = Optional.ofNullable(environment.get("VIGIL_NODE_NAME"))
                    .orElse(environment.getOrDefault("NODE_NAME", ""));
            if (node.startsWith("fargate-")) {
                signals.add("node " + node + " is an EKS Fargate node");
                return DeploymentType.FARGATE;
            }
            String issuer = read(serviceAccount.resolve("token"))
                    .flatMap(FactCollector::tokenIssuer)
                    .orElse("");
            if (EKS_ISSUER.matcher(issuer).lookingAt()) {
                signals.add("service account tokens are issued by " + issuer);
                return DeploymentType.ECS_EKS;
            }
            return DeploymentType.KUBERNETES;
        }
        if (Files.exists(root.resolve(".dockerenv"))) {
            signals.add("/.dockerenv exists");
            return DeploymentType.DOCKER;
        }
        for (String file : List.of("proc/1/cgroup", "proc/self/mountinfo")) {
            String text = read(root.resolve(file)).orElse("");
            if (text.contains("/docker/") || text.contains("docker-")) {
                signals.add("/" + file + " names docker");
                return DeploymentType.DOCKER;
            }
        }
        signals.add("no container, orchestrator or cloud task signal: a Linux host");
        return DeploymentType.LINUX;
    }

    private @Nullable String ecsLaunchType(String endpoint, List<String> signals) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(endpoint + "/task"))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                signals.add("task metadata answered HTTP " + response.statusCode());
                return null;
            }
            JsonNode task = JSON.readTree(response.body());
            return task.path("LaunchType").asString(null);
        } catch (IOException | JacksonException | IllegalArgumentException e) {
            signals.add("task metadata unreadable: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The {@code iss} claim of a service-account JWT (read, not verified: it only names the cluster's issuer). */
    public static Optional<String> tokenIssuer(String token) {
        String[] parts = token.strip().split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            return Optional.ofNullable(JSON.readTree(new String(payload, StandardCharsets.UTF_8))
                    .path("iss")
                    .asString(null));
        } catch (IllegalArgumentException | JacksonException e) {
            return Optional.empty();
        }
    }

    private @Nullable OperatingSystem os() {
        try (DirectoryRootFs fs = new DirectoryRootFs(hostRoot, "host " + hostRoot)) {
            return OsDetector.detect(fs).os();
        } catch (IOException e) {
            return null;
        }
    }

    private String architecture() {
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> osArch;
        };
    }

    private List<ContainerRuntime> runtimes() {
        List<ContainerRuntime> found = new ArrayList<>();
        probe(found, "containerd", List.of("run/containerd/containerd.sock", "var/run/containerd/containerd.sock"));
        probe(found, "docker", List.of("var/run/docker.sock", "run/docker.sock"));
        probe(found, "cri-o", List.of("var/run/crio/crio.sock", "run/crio/crio.sock"));
        probe(found, "podman", List.of("run/podman/podman.sock", "var/run/podman/podman.sock"));
        return found;
    }

    private void probe(List<ContainerRuntime> found, String name, List<String> sockets) {
        for (String socket : sockets) {
            if (Files.exists(hostRoot.resolve(socket))) {
                found.add(new ContainerRuntime(name, version(name), "/" + socket));
                return;
            }
        }
    }

    /** The runtime's version from its own binary, on the host root first, then on PATH. */
    private @Nullable String version(String runtime) {
        String binary = switch (runtime) {
            case "cri-o" -> "crio";
            default -> runtime;
        };
        List<String> candidates = new ArrayList<>();
        for (String dir : List.of("usr/bin", "usr/local/bin", "usr/sbin")) {
            Path path = hostRoot.resolve(dir).resolve(binary);
            if (Files.isExecutable(path)) {
                candidates.add(path.toString());
            }
        }
        candidates.add(binary);
        for (String candidate : candidates) {
            Optional<String> out = commands.run(List.of(candidate, "--version"), Duration.ofSeconds(5));
            if (out.isPresent()) {
                // "containerd github.com/containerd/containerd v1.6.20 2806fc1", "Docker version 24.0.5, build ..."
                for (String word : out.get().split("[\\s,]+")) {
                    Matcher matcher = SEMVER.matcher(word);
                    if (matcher.lookingAt()) {
                        return matcher.group(1);
                    }
                }
            }
        }
        return null;
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
