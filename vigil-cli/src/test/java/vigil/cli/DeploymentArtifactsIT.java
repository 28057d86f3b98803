package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import vigil.features.check.CapabilityCheck;
import vigil.features.matrix.FeatureMatrix;

/**
 * The deployment artifacts under deploy/, checked as far as this machine can: systemd units by systemd-analyze,
 * the install script by bash, the Helm chart by Helm's own lint and renderer, and in every artifact the vigil
 * command line by Vigil's own parser, the Helm values the templates use by values.yaml, the chart version by the
 * feature matrix.
 */
class DeploymentArtifactsIT {
    private static final Path DEPLOY = Path.of(System.getProperty("vigil.repo")).resolve("deploy");

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

    /** Helm itself lints the chart and renders it; the rendered workloads are what a cluster would run. */
    @Test
    void helmLintsAndRendersTheChart() throws Exception {
        Path chart = DEPLOY.resolve("helm/vigil");
        LintResult lint = new Helm(chart).lint().strict().call();
        assertThat(lint.isFailed())
                .as("helm lint --strict: %s", lint.getMessages())
                .isFalse();

        YAMLMapper yaml = YAMLMapper.builder().build();
        String chartVersion = yaml.readTree(chart.resolve("Chart.yaml").toFile())
                .path("version")
                .asString();
        List<JsonNode> plain = render(chart, Map.of());
        assertThat(kinds(plain)).containsExactlyInAnyOrder("StatefulSet", "Service", "DaemonSet");
        JsonNode agent = container(plain, "DaemonSet");
        assertThat(env(agent, "VIGIL_SERVER_URL"))
                .as("the agents report to this release's server Service")
                .isEqualTo("http://prod-server:8700");
        assertThat(env(agent, "VIGIL_HELM_CHART_VERSION")).isEqualTo(chartVersion);
        assertThat(env(container(plain, "StatefulSet"), "VIGIL_QUEUE")).isNull();

        List<JsonNode> scaled = render(
                chart,
                Map.of(
                        "server.replicas", 3,
                        "server.databaseUrlSecret", "vigil-db",
                        "server.queue", "kafka://kafka:9092?partitions=24"));
        JsonNode server = container(scaled, "StatefulSet");
        assertThat(env(server, "VIGIL_QUEUE")).isEqualTo("kafka://kafka:9092?partitions=24");
        assertThat(server.path("env").toString()).contains("VIGIL_DATABASE_URL").contains("vigil-db");
        for (JsonNode document : scaled) {
            JsonNode pod = document.path("spec").path("template");
            for (JsonNode container : pod.path("spec").path("containers")) {
                List<String> args = new ArrayList<>();
                container.path("args").forEach(a -> args.add(a.asString()));
                parses(args);
            }
            if (document.path("kind").asString().equals("Service")) {
                // the Service selects the server's pods
                JsonNode labels = workload(scaled, "StatefulSet")
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels");
                document.path("spec")
                        .path("selector")
                        .properties()
                        .forEach(label -> assertThat(labels.path(label.getKey()).asString())
                                .isEqualTo(label.getValue().asString()));
            }
        }
        List<JsonNode> secured = render(
                chart,
                Map.of("server.queue", "kafka://kafka:9093?partitions=24", "server.queueConfigSecret", "kafka-client"));
        JsonNode securedServer = container(secured, "StatefulSet");
        assertThat(env(securedServer, "VIGIL_QUEUE"))
                .isEqualTo("kafka://kafka:9093?partitions=24&config=/etc/vigil/kafka/client.properties");
        assertThat(securedServer.path("volumeMounts").toString()).contains("/etc/vigil/kafka");
        assertThat(workload(secured, "StatefulSet")
                        .path("spec")
                        .path("template")
                        .path("spec")
                        .path("volumes")
                        .toString())
                .contains("kafka-client")
                .contains("client.properties");
        assertThatThrownBy(() -> render(chart, Map.of("server.replicas", 2)))
                .hasMessageContaining("server.replicas > 1 needs PostgreSQL");
    }

    private static List<JsonNode> render(Path chart, Map<String, Object> values) throws Exception {
        TemplateCommand template = new Helm(chart).template().withName("prod");
        values.forEach(template::set);
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it =
                YAMLMapper.builder().build().readerFor(JsonNode.class).readValues(template.call())) {
            while (it.hasNextValue()) {
                JsonNode document = it.nextValue();
                if (document != null && document.isObject()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static List<String> kinds(List<JsonNode> documents) {
        return documents.stream().map(d -> d.path("kind").asString()).toList();
    }

    private static JsonNode workload(List<JsonNode> documents, String kind) {
        return documents.stream()
                .filter(d -> d.path("kind").asString().equals(kind))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode container(List<JsonNode> documents, String kind) {
        return workload(documents, kind)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
    }

    private static @Nullable String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asString().equals(name)) {
                return variable.path("value").asString();
            }
        }
        return null;
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

    /**
     * On Fargate (no eBPF) the workload runs under vigil-trace (ADR 0053): an init container writes the launcher into
     * a volume the task shares, the agent listens on the same socket with --sensor trace, and the workload's
     * entrypoint is the launcher; processes are shared across the task (pidMode task), so the agent reads theirs.
     */
    @Test
    void theFargateTaskRunsItsWorkloadUnderVigilTrace() throws Exception {
        JsonNode task = JsonMapper.builder()
                .build()
                .readTree(DEPLOY.resolve("ecs/vigil-agent-fargate-sidecar.json").toFile());
        assertThat(task.path("pidMode").asString()).isEqualTo("task");
        Map<String, JsonNode> containers = new java.util.HashMap<>();
        task.path("containerDefinitions")
                .forEach(c -> containers.put(c.path("name").asString(), c));
        List<String> install = new ArrayList<>();
        containers.get("vigil-trace-install").path("command").forEach(a -> install.add(a.asString()));
        parses(install);
        assertThat(install).containsExactly("threats", "install-trace", "/vigil");
        List<String> agent = new ArrayList<>();
        containers.get("vigil-agent").path("command").forEach(a -> agent.add(a.asString()));
        assertThat(String.join(" ", agent)).contains("--sensor trace", "--trace-socket /vigil/trace.sock");
        List<String> entry = new ArrayList<>();
        containers.get("app").path("entryPoint").forEach(a -> entry.add(a.asString()));
        assertThat(entry).containsExactly("/vigil/vigil-trace", "--socket", "/vigil/trace.sock", "--");
        assertThat(containers.get("app").path("dependsOn").toString())
                .contains("vigil-trace-install", "SUCCESS", "vigil-agent", "HEALTHY");
        // the install container's command writes an executable launcher where it says
        Path shared = Files.createTempDirectory("vigil-trace-install");
        try {
            assertThat(Main.commandLine().execute("threats", "install-trace", shared.toString()))
                    .isZero();
            assertThat(Files.isExecutable(shared.resolve("vigil-trace"))).isTrue();
        } finally {
            Files.deleteIfExists(shared.resolve("vigil-trace"));
            Files.deleteIfExists(shared);
        }
    }
}
