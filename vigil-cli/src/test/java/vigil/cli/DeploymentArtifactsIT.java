package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import vigil.agent.check.CapabilityCheck;
import vigil.agent.matrix.FeatureMatrix;

/**
 * The deployment artifacts under deploy/, checked as far as this machine can: systemd units by systemd-analyze,
 * the install script by bash, and in every artifact the vigil command line by Vigil's own parser, the Helm values
 * the templates use by values.yaml, the chart version by the feature matrix.
 */
class DeploymentArtifactsIT {
    private static final Path DEPLOY =
            Path.of(System.getProperty("vigil.fixtures")).getParent().resolve("deploy");

    @TempDir
    Path temp;

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as("%s: %s", String.join(" ", command), out)
                .isZero();
        return out;
    }

    /** Vigil's own parser accepts the arguments an artifact runs it with. */
    private static void parses(List<String> args) {
        Main.commandLine().parseArgs(args.toArray(String[]::new));
    }

    private static List<String> words(String commandLine) {
        List<String> words = new ArrayList<>(List.of(commandLine.strip().split("\\s+")));
        return words;
    }

    @Test
    void systemdUnitsVerifyAndRunValidCommands() throws Exception {
        for (String unit : List.of("vigil-agent.service", "vigil-server.service")) {
            String text = Files.readString(DEPLOY.resolve("systemd").resolve(unit));
            Matcher exec =
                    Pattern.compile("(?m)^ExecStart=/opt/vigil/vigil (.*)$").matcher(text);
            assertThat(exec.find()).as("ExecStart of %s", unit).isTrue();
            parses(words(exec.group(1)));
            // systemd checks every directive; the binary is swapped for one that exists here
            Path copy = temp.resolve(unit);
            Files.writeString(copy, text.replace("/opt/vigil/vigil", "/bin/true"));
            String out = run("systemd-analyze", "verify", copy.toString());
            assertThat(out).as("systemd-analyze on %s", unit).doesNotContainIgnoringCase("unknown");
        }
        run("bash", "-n", DEPLOY.resolve("systemd/install.sh").toString());
    }

    @Test
    void theImageRunsTheServerUnprivilegedAndChecksItsHealth() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        assertThat(dockerfile).contains("USER vigil").contains("/healthz").contains("FROM eclipse-temurin:25");
        Matcher cmd = Pattern.compile("(?m)^CMD (\\[.*])$").matcher(dockerfile);
        assertThat(cmd.find()).isTrue();
        List<String> args = new ArrayList<>();
        JsonMapper.builder().build().readTree(cmd.group(1)).forEach(a -> args.add(a.asString()));
        parses(args);
        assertThat(args).startsWith("server");
    }

    @Test
    void theHelmChartIsConsistentWithItsValuesTheAgentAndTheMatrix() throws Exception {
        YAMLMapper yaml = YAMLMapper.builder().build();
        JsonNode chart = yaml.readTree(DEPLOY.resolve("helm/vigil/Chart.yaml").toFile());
        JsonNode values = yaml.readTree(DEPLOY.resolve("helm/vigil/values.yaml").toFile());
        assertThat(CapabilityCheck.meetsMinimum(
                        chart.path("version").asString(),
                        FeatureMatrix.defaults().vulnerabilities().helmChartMinimum()))
                .as("the chart meets the Vulnerabilities prerequisite it is measured by")
                .isTrue();
        Pattern reference = Pattern.compile("\\.Values((?:\\.[A-Za-z]+)+)");
        try (var templates = Files.list(DEPLOY.resolve("helm/vigil/templates"))) {
            for (Path template : templates.toList()) {
                String text = Files.readString(template);
                Matcher matcher = reference.matcher(text);
                while (matcher.find()) {
                    JsonNode node = values;
                    for (String key : matcher.group(1).substring(1).split("\\.")) {
                        node = node.path(key);
                    }
                    assertThat(node.isMissingNode())
                            .as("%s uses .Values%s, which values.yaml lacks", template.getFileName(), matcher.group(1))
                            .isFalse();
                }
                Matcher args = Pattern.compile("args: (\\[.*])").matcher(text);
                while (args.find()) {
                    List<String> parsed = new ArrayList<>();
                    // template expressions in args become a sample value before parsing
                    yaml.readTree(args.group(1).replaceAll("\\{\\{[^}]*}}", "\"8700\""))
                            .forEach(a -> parsed.add(a.asString()));
                    parses(parsed);
                }
                if (template.getFileName().toString().contains("agent")) {
                    assertThat(text)
                            .contains("VIGIL_HELM_CHART_VERSION")
                            .contains("{{ .Chart.Version | quote }}")
                            .contains("VIGIL_NODE_NAME")
                            .contains("VIGIL_HOST_ROOT")
                            .contains("containerd.sock");
                }
            }
        }
    }

    @Test
    void ecsTaskDefinitionsAreWellFormedAndRunTheAgent() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        for (String file : List.of("vigil-agent-daemon.json", "vigil-agent-fargate-sidecar.json")) {
            JsonNode task = json.readTree(DEPLOY.resolve("ecs").resolve(file).toFile());
            assertThat(task.path("family").asString()).isNotBlank();
            assertThat(task.path("requiresCompatibilities")).isNotEmpty();
            boolean agent = false;
            for (JsonNode container : task.path("containerDefinitions")) {
                if (container.path("name").asString().equals("vigil-agent")) {
                    agent = true;
                    List<String> args = new ArrayList<>();
                    container.path("command").forEach(a -> args.add(a.asString()));
                    parses(args);
                    assertThat(container.path("secrets").toString()).contains("VIGIL_API_KEY");
                }
            }
            assertThat(agent).as("%s runs the agent", file).isTrue();
        }
    }
}
