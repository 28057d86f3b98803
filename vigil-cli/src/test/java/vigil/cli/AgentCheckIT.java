package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code vigil agent check} on the machine the tests run on, checked against what the system itself says. */
class AgentCheckIT {
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as("exit code of %s", String.join(" ", command))
                .isZero();
        return out;
    }

    private static String vigil(String... args) throws Exception {
        List<String> command = BuiltJar.command(args);
        return run(command.toArray(String[]::new));
    }

    @Test
    void factsAreThisMachinesAndEveryCapabilityIsAnswered() throws Exception {
        JsonNode report = JsonMapper.builder().build().readTree(vigil("agent", "check", "--format", "json"));
        JsonNode facts = report.path("facts");
        assertThat(facts.path("kernel").asString()).isEqualTo(run("uname", "-r").strip());
        String machine = run("uname", "-m").strip();
        assertThat(facts.path("architecture").asString()).isEqualTo(machine);
        String osRelease = Files.readString(Path.of("/etc/os-release"));
        String id = osRelease
                .lines()
                .filter(line -> line.startsWith("ID="))
                .findFirst()
                .orElseThrow()
                .substring(3)
                .replace("\"", "");
        assertThat(facts.path("os").path("family").asString()).isEqualTo(id);
        String expectedDeployment = System.getenv("KUBERNETES_SERVICE_HOST") != null
                ? "kubernetes"
                : Files.exists(Path.of("/.dockerenv")) ? "docker" : "linux";
        if (System.getenv("ECS_CONTAINER_METADATA_URI_V4") == null) {
            assertThat(facts.path("deployment").asString()).isEqualTo(expectedDeployment);
        }
        assertThat(facts.path("btf").asBoolean()).isEqualTo(Files.exists(Path.of("/sys/kernel/btf/vmlinux")));

        List<String> ids = new ArrayList<>();
        for (JsonNode capability : report.path("capabilities")) {
            ids.add(capability.path("id").asString());
            String state = capability.path("state").asString();
            assertThat(state).isIn("enabled", "not_applicable", "unavailable");
            if (state.equals("unavailable")) {
                assertThat(capability.path("unmet"))
                        .as("reasons of %s", capability)
                        .isNotEmpty();
            }
            if (state.equals("not_applicable")) {
                assertThat(capability.path("offeredOn")).isNotEmpty();
            }
        }
        assertThat(ids)
                .containsExactly(
                        "misconfigurations", "threats", "vulnerabilities", "identity_risks", "agentless_scanning");
    }

    @Test
    void theTableNamesEveryCapability() throws Exception {
        String table = vigil("agent", "check");
        assertThat(table)
                .contains("Deployment: ")
                .contains("CSM Misconfigurations")
                .contains("CSM Threats")
                .contains("CSM Vulnerabilities")
                .contains("CSM Identity Risks")
                .contains("CSM Agentless Scanning");
    }
}
