package vigil.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.features.check.Facts;
import vigil.features.matrix.DeploymentType;
import vigil.model.OsFamily;

/** Each deployment type and fact from the signal a real machine of that kind gives, laid out in a directory. */
class FactCollectorTest {
    @TempDir
    Path temp;

    private final Map<String, String> env = new HashMap<>();

    private Path root() throws Exception {
        return Files.createDirectories(temp.resolve("root"));
    }

    private Path host() throws Exception {
        Path host = Files.createDirectories(temp.resolve("host"));
        write(host, "etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n");
        write(host, "proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
        return host;
    }

    private static void write(Path root, String path, String text) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private Facts collect(String osName) throws Exception {
        return new FactCollector(
                        root(),
                        host(),
                        env,
                        osName,
                        "amd64",
                        "0.1.0",
                        CommandRunner.system(),
                        HttpClient.newBuilder()
                                .connectTimeout(Duration.ofSeconds(2))
                                .build())
                .collect();
    }

    @Test
    void aPlainHostIsLinuxWithItsOsKernelAndArchitecture() throws Exception {
        Facts facts = collect("Linux");
        assertThat(facts.deployment()).isEqualTo(DeploymentType.LINUX);
        assertThat(facts.os()).isNotNull();
        assertThat(facts.os().family()).isEqualTo(OsFamily.UBUNTU);
        assertThat(facts.os().version()).isEqualTo("22.04");
        assertThat(facts.kernelRelease()).isEqualTo("5.15.0-91-generic");
        assertThat(facts.architecture()).isEqualTo("x86_64");
        assertThat(facts.runtimes()).isEmpty();
        assertThat(facts.helmChartVersion()).isNull();
    }

    @Test
    void theDeploymentTypeCanBeSetExplicitly() throws Exception {
        write(root(), ".dockerenv", "");
        env.put("VIGIL_DEPLOYMENT", "linux");
        Facts facts = collect("Linux");
        assertThat(facts.deployment()).isEqualTo(DeploymentType.LINUX);
        assertThat(facts.deploymentSignals()).containsExactly("set by VIGIL_DEPLOYMENT=linux");
        env.put("VIGIL_DEPLOYMENT", "mainframe");
        assertThat(collect("Linux").deployment()).isEqualTo(DeploymentType.DOCKER);
    }

    @Test
    void windowsIsToldByTheOsName() throws Exception {
        assertThat(collect("Windows Server 2022").deployment()).isEqualTo(DeploymentType.WINDOWS);
    }

    @Test
    void dockerIsToldByDockerenvOrCgroups() throws Exception {
        write(root(), ".dockerenv", "");
        assertThat(collect("Linux").deployment()).isEqualTo(DeploymentType.DOCKER);
        Files.delete(root().resolve(".dockerenv"));
        write(root(), "proc/1/cgroup", "0::/system.slice/docker-4f1c2a.scope\n");
        Facts facts = collect("Linux");
        assertThat(facts.deployment()).isEqualTo(DeploymentType.DOCKER);
        assertThat(facts.deploymentSignals())
                .anySatisfy(signal -> assertThat(signal).contains("cgroup"));
    }

    @Test
    void kubernetesEksAndEksFargateAreToldApart() throws Exception {
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put("VIGIL_HELM_CHART_VERSION", "3.50.1");
        Facts plain = collect("Linux");
        assertThat(plain.deployment()).isEqualTo(DeploymentType.KUBERNETES);
        assertThat(plain.helmChartVersion()).isEqualTo("3.50.1");

        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"iss\":\"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC\",\"sub\":\"x\"}"
                        .getBytes(StandardCharsets.UTF_8));
        write(root(), "var/run/secrets/kubernetes.io/serviceaccount/token", "eyJhbGciOiJSUzI1NiJ9." + payload + ".sig");
        Facts eks = collect("Linux");
        assertThat(eks.deployment()).isEqualTo(DeploymentType.ECS_EKS);
        assertThat(eks.deploymentSignals())
                .anySatisfy(signal -> assertThat(signal).contains("oidc.eks"));

        env.put("VIGIL_NODE_NAME", "fargate-ip-10-0-1-23.eu-west-1.compute.internal");
        assertThat(collect("Linux").deployment()).isEqualTo(DeploymentType.FARGATE);
    }

    @Test
    void ecsOnEc2AndOnFargateAreToldByTheTaskMetadataEndpoint() throws Exception {
        Map<String, String> launchType = new HashMap<>(Map.of("value", "EC2"));
        HttpServer metadata = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metadata.createContext("/v4/abc/task", exchange -> {
            byte[] body = ("{\"Cluster\":\"c\",\"LaunchType\":\"" + launchType.get("value") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        metadata.start();
        try {
            env.put(
                    "ECS_CONTAINER_METADATA_URI_V4",
                    "http://127.0.0.1:" + metadata.getAddress().getPort() + "/v4/abc");
            assertThat(collect("Linux").deployment()).isEqualTo(DeploymentType.ECS_EKS);
            launchType.put("value", "FARGATE");
            assertThat(collect("Linux").deployment()).isEqualTo(DeploymentType.FARGATE);
        } finally {
            metadata.stop(0);
        }
        Facts unreachable = collect("Linux");
        assertThat(unreachable.deployment()).isEqualTo(DeploymentType.ECS_EKS);
        assertThat(unreachable.deploymentSignals())
                .anySatisfy(signal -> assertThat(signal).contains("task metadata unreadable"));
    }

    @Test
    void runtimesAreFoundByTheirSocketsAndVersionedByTheirBinaries() throws Exception {
        Path host = host();
        write(host, "run/containerd/containerd.sock", "");
        write(host, "var/run/crio/crio.sock", "");
        Path containerd = host.resolve("usr/bin/containerd");
        write(
                host,
                "usr/bin/containerd",
                "#!/bin/sh\necho 'containerd github.com/containerd/containerd v1.6.20 2806fc1'\n");
        Files.setPosixFilePermissions(containerd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Facts facts = collect("Linux");
        assertThat(facts.runtime("containerd")).isNotNull();
        assertThat(facts.runtime("containerd").version()).isEqualTo("1.6.20");
        assertThat(facts.runtime("containerd").endpoint()).isEqualTo("/run/containerd/containerd.sock");
        assertThat(facts.runtime("cri-o")).isNotNull();
        assertThat(facts.runtime("cri-o").version()).isNull(); // no crio binary anywhere
        assertThat(facts.runtime("docker")).isNull();
    }

    @Test
    void debianStyleVersionsAndDockerOutputAreRead() throws Exception {
        write(host(), "var/run/docker.sock", "");
        Path docker = host().resolve("usr/bin/docker");
        write(host(), "usr/bin/docker", "#!/bin/sh\necho 'Docker version 20.10.24+dfsg1, build 297e128'\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(collect("Linux").runtime("docker").version()).isEqualTo("20.10.24");
    }

    @Test
    void serviceAccountIssuerIsReadFromTheTokenWithoutTrustingIt() {
        assertThat(FactCollector.tokenIssuer("not-a-jwt")).isEmpty();
        assertThat(FactCollector.tokenIssuer("a.%%%.c")).isEqualTo(Optional.empty());
    }
}
