package vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import vigil.agent.check.CapabilityCheck;
import vigil.agent.check.CapabilityStatus;
import vigil.agent.check.CheckJson;
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
        subcommands = {AgentCommand.Check.class, AgentCommand.Run.class, AgentCommand.Status.class})
final class AgentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError(
                "use 'vigil agent check', 'vigil agent run' or 'vigil agent status' (see 'vigil agent --help')",
                ExitCodes.USAGE);
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
            return JsonMapper.builder()
                    .build()
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(CheckJson.report(facts, statuses));
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run the agent: every --interval take this host's inventory (when CSM Vulnerabilities is enabled here),",
                "send a heartbeat every minute, and deliver everything through an on-disk spool, so batches made while",
                "the server is away are sent, in order and once, when it is back."
            })
    static final class Run implements Callable<Integer> {
        @Option(
                names = "--server",
                paramLabel = "URL",
                description = "The Vigil server (default: environment VIGIL_SERVER_URL, else http://127.0.0.1:8700).")
        @Nullable
        String server;

        @Option(
                names = "--api-key-file",
                paramLabel = "FILE",
                description = "File holding the intake API key (default: environment VIGIL_API_KEY).")
        @Nullable
        Path apiKeyFile;

        @Option(names = "--once", description = "Run one cycle, try to deliver, and exit (1 if batches stay spooled).")
        boolean once;

        @Option(
                names = "--interval",
                paramLabel = "DURATION",
                description = "Time between inventories, as ISO-8601 (default: PT1H).")
        java.time.Duration interval = java.time.Duration.ofHours(1);

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws java.io.IOException, InterruptedException {
            String key = apiKey();
            java.net.URI url = serverUrl(
                    server != null
                            ? server
                            : java.util.Objects.requireNonNullElse(
                                    System.getenv("VIGIL_SERVER_URL"), "http://127.0.0.1:8700"));
            vigil.agent.run.AgentRunner runner = runner(data.resolve(), url, key, System.getenv());
            PrintWriter out = Console.out();
            long lastInventory = 0;
            while (true) {
                boolean inventory = System.nanoTime() - lastInventory >= interval.toNanos() || lastInventory == 0;
                vigil.agent.run.AgentRunner.Cycle cycle = runner.cycle(inventory);
                if (inventory) {
                    lastInventory = System.nanoTime();
                }
                out.println(describe(cycle));
                out.flush();
                if (once) {
                    return cycle.round().remaining() == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
                }
                Thread.sleep(java.time.Duration.ofMinutes(1));
            }
        }

        /** The server's base URL, or a usage error naming what is wrong with it. */
        static java.net.URI serverUrl(String text) {
            try {
                java.net.URI url = new java.net.URI(text);
                if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                    return url;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            throw new UserError(
                    "the server URL '" + text + "' is not an http(s) URL such as https://vigil.example.com:8700",
                    ExitCodes.USAGE);
        }

        private String apiKey() throws java.io.IOException {
            String key;
            if (apiKeyFile != null) {
                if (!java.nio.file.Files.isReadable(apiKeyFile)) {
                    throw new UserError(
                            "cannot read the API key file " + apiKeyFile + " (missing, or not readable by this user)",
                            ExitCodes.USAGE);
                }
                key = java.nio.file.Files.readString(apiKeyFile).strip();
            } else {
                key = System.getenv("VIGIL_API_KEY");
            }
            if (key == null || key.isBlank()) {
                throw new UserError(
                        "the agent needs an intake API key: set VIGIL_API_KEY or pass --api-key-file FILE (create one"
                                + " with POST /api/v1/api-keys, or use the one 'vigil server' printed on its first start)",
                        ExitCodes.USAGE);
            }
            return key;
        }
    }

    /** The agent wired to this machine: facts from real signals, the host root's package databases, the spool. */
    static vigil.agent.run.AgentRunner runner(
            Path dataDirectory, java.net.URI server, String apiKey, java.util.Map<String, String> environment)
            throws java.io.IOException {
        Path agentData = dataDirectory.resolve("agent");
        return new vigil.agent.run.AgentRunner(
                batchMaker(dataDirectory, environment),
                new vigil.agent.run.Spool(agentData.resolve("spool"), 512L << 20),
                uploader(server, apiKey));
    }

    static vigil.agent.run.Uploader uploader(java.net.URI server, String apiKey) {
        return new vigil.agent.run.Uploader(
                java.net.http.HttpClient.newBuilder()
                        .connectTimeout(java.time.Duration.ofSeconds(10))
                        .build(),
                server,
                apiKey);
    }

    /** This machine's batches: facts from real signals, the host root's package databases, the agent's id. */
    static vigil.agent.run.BatchMaker batchMaker(Path dataDirectory, java.util.Map<String, String> environment) {
        FactCollector machine = FactCollector.forThisMachine(VersionCommand.VERSION);
        FactCollector collector = new FactCollector(
                machine.root(),
                machine.hostRoot(),
                environment,
                machine.osName(),
                machine.osArch(),
                machine.agentVersion(),
                machine.commands(),
                machine.http());
        return new vigil.agent.run.BatchMaker(
                dataDirectory.resolve("agent"),
                collector,
                FeatureMatrix.defaults(),
                Inventories.catalogers(),
                java.time.Clock.systemUTC());
    }

    static String describe(vigil.agent.run.AgentRunner.Cycle cycle) {
        vigil.agent.run.Uploader.Round round = cycle.round();
        return java.time.Instant.now() + " batch " + cycle.batchId()
                + (cycle.inventory() ? " with " + cycle.packages() + " packages" : " (heartbeat)") + ": sent "
                + round.sent() + (round.duplicates() > 0 ? ", " + round.duplicates() + " already there" : "")
                + (round.rejected() > 0 ? ", " + round.rejected() + " refused (kept in agent/rejected)" : "")
                + ", " + round.remaining() + " spooled" + (round.problem() == null ? "" : "; " + round.problem());
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the agent's identity and spool.")
    static final class Status implements Callable<Integer> {
        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws java.io.IOException {
            Path agentData = data.resolve().resolve("agent");
            PrintWriter out = Console.out();
            Path idFile = agentData.resolve("agent-id");
            out.println("Agent id:  "
                    + (java.nio.file.Files.isRegularFile(idFile)
                            ? java.nio.file.Files.readString(idFile).strip()
                            : "(not run yet)"));
            vigil.agent.run.Spool spool = new vigil.agent.run.Spool(agentData.resolve("spool"), 512L << 20);
            out.println("Spooled:   " + spool.entries().size() + " batches, " + spool.bytes() + " bytes");
            Path rejected = agentData.resolve("rejected");
            long refused = 0;
            if (java.nio.file.Files.isDirectory(rejected)) {
                try (var files = java.nio.file.Files.list(rejected)) {
                    refused = files.count();
                }
            }
            out.println("Refused:   " + refused + " batches (kept in " + rejected + ")");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
