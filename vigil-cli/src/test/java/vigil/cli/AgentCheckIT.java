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
        // the agent has no misconfiguration checks: whatever the prerequisites say, it is not built (ADR 0037)
        assertThat(report.path("capabilities").get(0).path("built").asBoolean()).isFalse();
        assertThat(report.path("capabilities").get(1).path("built").asBoolean()).isTrue();
        assertThat(report.path("capabilities").get(2).path("built").asBoolean()).isTrue();
    }

    /** Threats: the sensor is tried, and each kind of BPF hook with it (ADR 0050); CI runs as root on tracepoints. */
    @Test
    void threatsSaysWhichKindsOfHookTheKernelAllows() throws Exception {
        JsonNode report = JsonMapper.builder().build().readTree(vigil("agent", "check", "--format", "json"));
        JsonNode threats = report.path("capabilities").get(1);
        assertThat(threats.path("id").asString()).isEqualTo("threats");
        List<String> notes = new ArrayList<>();
        threats.path("notes").forEach(note -> notes.add(note.asString()));
        assertThat(notes)
                .anySatisfy(note -> assertThat(note)
                        .startsWith("kernel hooks that load and attach here: tp_btf")
                        .endsWith("the sensor uses tp_btf"));
        // every kind not among those that work is named with the step the kernel refused and its error
        String working = notes.stream()
                .filter(note -> note.startsWith("kernel hooks that load"))
                .findFirst()
                .orElseThrow();
        for (String kind : List.of("raw_tp", "tracepoint", "kprobe", "fentry", "fexit", "lsm")) {
            if (!working.matches(".*: (.*, )?" + kind + "(, .*)?;.*")) {
                assertThat(notes)
                        .as("the refusal of %s", kind)
                        .anySatisfy(note ->
                                assertThat(note).matches(kind + " refused \\(.*\\): (load|attach): E[A-Z0-9]+, .*"));
            }
        }
    }

    @Test
    void theTableSaysNotBuiltWhereTheAgentHasNoCode() throws Exception {
        String misconfigurations = vigil("agent", "check")
                .lines()
                .filter(line -> line.startsWith("CSM Misconfigurations"))
                .findFirst()
                .orElseThrow();
        assertThat(misconfigurations).doesNotContain("enabled");
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
