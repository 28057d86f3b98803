package vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.check.CapabilityCheck;
import vigil.agent.check.CapabilityStatus;
import vigil.agent.facts.ContainerRuntime;
import vigil.agent.facts.FactCollector;
import vigil.agent.facts.Facts;
import vigil.agent.matrix.DeploymentType;
import vigil.agent.matrix.FeatureMatrix;

/** {@code vigil agent}: the agent's commands. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "The Vigil agent: 'vigil agent check' tells which CSM capabilities can run on this machine.",
        subcommands = {AgentCommand.Check.class})
final class AgentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("use 'vigil agent check' (see 'vigil agent --help')", ExitCodes.USAGE);
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Answer the CSM prerequisites for this machine: per capability, enabled, not applicable (with the",
                "deployment types where it applies) or unavailable (with each unmet prerequisite)."
            })
    static final class Check implements Callable<Integer> {
        @Option(
                names = {"-f", "--format"},
                paramLabel = "FORMAT",
                description = "table (default) or json.")
        String format = "table";

        @Option(
                names = "--host-root",
                paramLabel = "DIR",
                description = "The host's root when the agent runs in a container (default: /host if mounted, else /;"
                        + " environment VIGIL_HOST_ROOT).")
        @Nullable
        Path hostRoot;

        @Option(
                names = "--agent-minimum-version",
                paramLabel = "VERSION",
                description = "The minimum agent version the server requires (default: the feature matrix's).")
        @Nullable
        String minimumVersion;

        @Override
        public Integer call() {
            if (!format.equals("table") && !format.equals("json")) {
                throw new UserError("--format must be table or json, not '" + format + "'", ExitCodes.USAGE);
            }
            FactCollector collector = FactCollector.forThisMachine(VersionCommand.VERSION);
            if (hostRoot != null) {
                collector = new FactCollector(
                        collector.root(),
                        hostRoot,
                        collector.environment(),
                        collector.osName(),
                        collector.osArch(),
                        collector.agentVersion(),
                        collector.commands(),
                        collector.http());
            }
            FeatureMatrix matrix = FeatureMatrix.defaults();
            if (minimumVersion != null) {
                matrix = matrix.withAgentMinimumVersion(minimumVersion);
            }
            Facts facts = collector.collect();
            List<CapabilityStatus> statuses = new CapabilityCheck(matrix).evaluate(facts);
            PrintWriter out = Console.out();
            if (format.equals("json")) {
                out.println(json(facts, statuses));
            } else {
                table(out, facts, statuses);
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static void table(PrintWriter out, Facts facts, List<CapabilityStatus> statuses) {
            String os = facts.os() == null ? "unknown OS" : facts.os().prettyName();
            out.println("Vigil agent " + facts.agentVersion() + " on " + os + ", kernel " + facts.kernelRelease() + ", "
                    + facts.architecture());
            out.println("Deployment: " + facts.deployment().displayName() + " ("
                    + String.join("; ", facts.deploymentSignals()) + ")");
            List<String> runtimes = new ArrayList<>();
            for (ContainerRuntime runtime : facts.runtimes()) {
                runtimes.add(
                        runtime.name() + " " + (runtime.version() == null ? "(version unknown)" : runtime.version())
                                + " at " + runtime.endpoint());
            }
            out.println("Container runtimes: " + (runtimes.isEmpty() ? "none found" : String.join(", ", runtimes)));
            if (facts.helmChartVersion() != null) {
                out.println("Helm chart: " + facts.helmChartVersion());
            }
            out.println();
            out.printf("%-24s %-15s %s%n", "CAPABILITY", "STATE", "DETAILS");
            for (CapabilityStatus status : statuses) {
                String state = switch (status.state()) {
                    case ENABLED -> "enabled";
                    case NOT_APPLICABLE -> "not applicable";
                    case UNAVAILABLE -> "unavailable";
                };
                List<String> details = new ArrayList<>();
                if (status.state() == CapabilityStatus.State.NOT_APPLICABLE) {
                    details.add("offered on "
                            + String.join(
                                    ", ",
                                    status.offeredOn().stream()
                                            .map(DeploymentType::displayName)
                                            .toList()));
                }
                details.addAll(status.unmet());
                details.addAll(
                        status.notes().stream().map(note -> "note: " + note).toList());
                String first = details.isEmpty() ? "" : details.getFirst();
                out.printf("%-24s %-15s %s%n", status.capability().displayName(), state, first);
                for (String more : details.subList(Math.min(1, details.size()), details.size())) {
                    out.printf("%-24s %-15s %s%n", "", "", more);
                }
            }
        }

        private static String json(Facts facts, List<CapabilityStatus> statuses) {
            JsonMapper mapper = JsonMapper.builder().build();
            ObjectNode root = mapper.createObjectNode();
            ObjectNode f = root.putObject("facts");
            f.put("deployment", facts.deployment().id());
            f.put("deploymentName", facts.deployment().displayName());
            ArrayNode signals = f.putArray("deploymentSignals");
            facts.deploymentSignals().forEach(signals::add);
            if (facts.os() != null) {
                ObjectNode os = f.putObject("os");
                os.put("family", facts.os().family().id());
                os.put("version", facts.os().version());
                os.put("name", facts.os().prettyName());
            } else {
                f.putNull("os");
            }
            f.put("kernel", facts.kernelRelease());
            f.put("architecture", facts.architecture());
            f.put("agentVersion", facts.agentVersion());
            f.put("helmChartVersion", facts.helmChartVersion());
            f.put("btf", facts.btf());
            ArrayNode runtimes = f.putArray("containerRuntimes");
            for (ContainerRuntime runtime : facts.runtimes()) {
                ObjectNode r = runtimes.addObject();
                r.put("name", runtime.name());
                r.put("version", runtime.version());
                r.put("endpoint", runtime.endpoint());
            }
            ArrayNode capabilities = root.putArray("capabilities");
            for (CapabilityStatus status : statuses) {
                ObjectNode c = capabilities.addObject();
                c.put("id", status.capability().id());
                c.put("name", status.capability().displayName());
                c.put("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
                c.put("availability", status.availability().name());
                ArrayNode unmet = c.putArray("unmet");
                status.unmet().forEach(unmet::add);
                ArrayNode notes = c.putArray("notes");
                status.notes().forEach(notes::add);
                ArrayNode offered = c.putArray("offeredOn");
                status.offeredOn().forEach(type -> offered.add(type.id()));
            }
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        }
    }
}
