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
import vigil.agent.facts.FactCollector;
import vigil.features.check.CapabilityCheck;
import vigil.features.check.CapabilityStatus;
import vigil.features.check.CheckJson;
import vigil.features.check.ContainerRuntime;
import vigil.features.check.Facts;
import vigil.features.matrix.DeploymentType;
import vigil.features.matrix.FeatureMatrix;

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
            // on this machine the sensor itself is tried (loaded, attached, detached): it decides Threats
            List<CapabilityStatus> statuses = new CapabilityCheck(matrix, new TriedSensor()).evaluate(facts);
            PrintWriter out = Console.out();
            if (format.equals("json")) {
                out.println(json(facts, statuses));
            } else {
                table(out, facts, statuses);
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** The sensor tried once, when the check first asks: its failure and each kind of hook's verdict (ADR 0050). */
        private static final class TriedSensor implements vigil.features.check.SensorProbe {
            private vigil.threats.sensor.Sensor.@Nullable Trial trial;

            private vigil.threats.sensor.Sensor.Trial trial() {
                vigil.threats.sensor.Sensor.Trial tried = trial;
                if (tried == null) {
                    tried = vigil.threats.sensor.Sensor.trial();
                    trial = tried;
                }
                return tried;
            }

            @Override
            public @Nullable String failure() {
                return trial().failure();
            }

            @Override
            public List<String> hookNotes() {
                return vigil.threats.sensor.HookProbe.describe(trial().hooks());
            }
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
                boolean built = AGENT_RUNS.contains(status.capability());
                String state = switch (status.state()) {
                    case ENABLED -> built ? "enabled" : "not built yet";
                    case NOT_APPLICABLE -> "not applicable";
                    case UNAVAILABLE -> "unavailable";
                };
                List<String> details = new ArrayList<>();
                if (status.state() == CapabilityStatus.State.ENABLED && !built) {
                    details.add("this host meets the seed's prerequisites, but this agent runs no "
                            + status.capability().displayName() + " checks yet");
                }
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
            tools.jackson.databind.node.ObjectNode report = CheckJson.report(facts, statuses);
            // whether this agent has the capability's code: enabled means it runs only where it is built (ADR 0037)
            for (tools.jackson.databind.JsonNode capability : report.path("capabilities")) {
                ((tools.jackson.databind.node.ObjectNode) capability)
                        .put(
                                "built",
                                AGENT_RUNS.stream()
                                        .anyMatch(built -> built.id()
                                                .equals(capability.path("id").asString())));
            }
            return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        }

        /**
         * The capabilities this agent has code for (its collectors); where the seed's prerequisites hold for another,
         * it is "not built yet", never "enabled" (as the server's Setup page says, ADR 0037).
         */
        static final java.util.Set<vigil.features.matrix.Capability> AGENT_RUNS = java.util.EnumSet.of(
                vigil.features.matrix.Capability.THREATS, vigil.features.matrix.Capability.VULNERABILITIES);
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Run the agent: every --interval take this host's inventory (when CSM Vulnerabilities is enabled here),",
                "send a heartbeat every minute in between, and deliver everything through an on-disk spool: batches",
                "made while the server is away are sent, in order and once, as soon as it answers again (tries back",
                "off from 1 s doubling to 5 minutes, or as the server's Retry-After says)."
            })
    static final class Run implements Callable<Integer> {
        /** The spool's bound when neither --spool-max nor VIGIL_SPOOL_MAX says otherwise. */
        static final long DEFAULT_SPOOL_MAX = 512L << 20;
        /** Below this a spool holds no more than one inventory of a small host: most likely a missing unit. */
        static final long MINIMUM_SPOOL_MAX = 64L << 10;

        private static final java.util.regex.Pattern DURATION =
                java.util.regex.Pattern.compile("(?i)(\\d{1,9})\\s*(s|m|h|d)");
        private static final java.util.regex.Pattern SIZE =
                java.util.regex.Pattern.compile("(?i)(\\d{1,15})\\s*(b|k|kib|kb|m|mib|mb|g|gib|gb|t|tib|tb)?");

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
                description = "Time between inventories, such as 30s, 15m, 1h or ISO-8601 PT1H; at least 10s"
                        + " (default: 1h).")
        String interval = "1h";

        @Option(
                names = "--spool-max",
                paramLabel = "SIZE",
                description = "Bound of the on-disk spool, such as 256MiB or 2GiB; past it the oldest batches are"
                        + " dropped and counted (default: environment VIGIL_SPOOL_MAX, else 512MiB; at least 64KiB).")
        @Nullable
        String spoolMax;

        @Option(
                names = "--threats",
                paramLabel = "MODE",
                description = "CSM Threats: run the kernel sensor and the rules and send their signals: auto (the"
                        + " default: on Linux, reported as off with why when the sensor cannot run), on (an error"
                        + " when it cannot) or off.")
        String threats = "auto";

        @Option(
                names = "--misconfigurations",
                paramLabel = "MODE",
                description = "CSM Misconfigurations: check this host against the built-in benchmarks and send the"
                        + " verdicts: auto (the default: on Linux), on or off.")
        String misconfigurations = "auto";

        @Option(
                names = "--config-interval",
                paramLabel = "DURATION",
                description = "How often the configuration checks run (default 1h; the first run is at start).")
        String configInterval = "1h";

        @Option(
                names = "--policy",
                paramLabel = "FILE",
                description = "SECL policy files for the sensor, in load order (default: Vigil's built-in policy).")
        java.util.List<Path> policies = new java.util.ArrayList<>();

        @Option(
                names = "--sensor",
                paramLabel = "SOURCE",
                description = "The Threats sensor: auto (the default: eBPF, else the fanotify and proc-connector"
                        + " fallback), ebpf, fallback, or trace (the events of vigil-trace launchers, where no eBPF"
                        + " runs: ECS Fargate).")
        String sensor = "auto";

        @picocli.CommandLine.Mixin
        TraceSocketOption trace = new TraceSocketOption();

        @Option(
                names = "--no-kill",
                description = "Report what the rules' kill actions would do instead of sending the signal.")
        boolean noKill;

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws java.io.IOException, InterruptedException {
            java.time.Duration every = interval(interval);
            long bound = spoolMax(spoolMax, System.getenv());
            String key = apiKey();
            java.net.URI url = serverUrl(
                    server != null
                            ? server
                            : java.util.Objects.requireNonNullElse(
                                    System.getenv("VIGIL_SERVER_URL"), "http://127.0.0.1:8700"));
            PrintWriter out = Console.out();
            java.util.List<vigil.agent.collect.Collector> collectors = new java.util.ArrayList<>();
            // a single cycle cannot watch anything: the sensor runs with --once only when asked for
            vigil.threats.sensor.agent.SignalCollector sensor = once && !threats.equals("on")
                    ? null
                    : threats(data.resolve(), line -> {
                        out.println(java.time.Instant.now() + " " + line);
                        out.flush();
                    });
            if (sensor != null) {
                collectors.add(sensor);
            }
            vigil.posture.checks.agent.PostureCollector posture = posture(line -> {
                out.println(java.time.Instant.now() + " " + line);
                out.flush();
            });
            if (posture != null) {
                collectors.add(posture);
            }
            vigil.agent.run.AgentRunner runner = runner(data.resolve(), url, key, System.getenv(), bound, collectors);
            if (once) {
                vigil.agent.run.AgentRunner.Cycle cycle = runner.cycle(true);
                out.println(describe(cycle));
                out.flush();
                return cycle.round().remaining() == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
            }
            java.time.Clock clock = java.time.Clock.systemUTC();
            new vigil.agent.run.AgentLoop(
                            runner,
                            vigil.agent.run.AgentLoop.Settings.every(every),
                            clock,
                            vigil.agent.run.AgentLoop.Sleeper.of(clock),
                            java.util.random.RandomGenerator.getDefault(),
                            line -> {
                                out.println(line);
                                out.flush();
                            })
                    .run();
            return ExitCodes.OK;
        }

        /**
         * CSM Threats on this host: the sensor and the rules in the agent (ADR 0047), unless {@code --threats off};
         * with {@code auto} (the default) only on Linux. A sensor that cannot start is reported to the server as off,
         * with why, and the agent goes on with its other work; {@code --threats on} makes that an error instead.
         */
        private vigil.threats.sensor.agent.@Nullable SignalCollector threats(
                Path dataDirectory, java.util.function.Consumer<String> log) {
            boolean linux = System.getProperty("os.name", "")
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("linux");
            switch (threats) {
                case "off" -> {
                    return null;
                }
                case "auto", "on" -> {
                    if (!linux) {
                        if (threats.equals("on")) {
                            throw new UserError("--threats on: the sensor runs on Linux only", ExitCodes.USAGE);
                        }
                        return null;
                    }
                }
                default ->
                    throw new UserError("--threats must be auto, on or off, not '" + threats + "'", ExitCodes.USAGE);
            }
            ThreatsCommand.Watch rules = new ThreatsCommand.Watch();
            rules.policies = policies;
            vigil.threats.rules.policy.RuleSet ruleSet = rules.rules();
            vigil.threats.sensor.signal.ThreatPipeline pipeline;
            try {
                pipeline = new vigil.threats.sensor.signal.ThreatPipeline(
                        ruleSet,
                        new vigil.threats.sensor.signal.ThreatPipeline.Options(
                                        java.time.Duration.ofSeconds(30), 100, !noKill)
                                .with(ThreatsCommand.Watch.source(sensor))
                                .withTraceSocket(trace.resolve()),
                        Path.of("/proc"),
                        Path.of("/etc"),
                        vigil.threats.sensor.signal.SignalMaker.Images.local(),
                        java.time.Clock.systemUTC());
            } catch (vigil.threats.sensor.SensorException e) {
                if (threats.equals("on")) {
                    throw new UserError("--threats on: the sensor cannot run: " + e.getMessage(), ExitCodes.ERROR);
                }
                log.accept("threats: the sensor cannot run: " + e.getMessage());
                return null;
            }
            vigil.threats.sensor.agent.SignalCollector collector = new vigil.threats.sensor.agent.SignalCollector(
                    pipeline, dataDirectory.resolve("agent"), java.time.Clock.systemUTC(), log);
            collector.start();
            if (threats.equals("on")
                    && pipeline.status().state() == vigil.threats.sensor.signal.SensorStatus.State.OFF) {
                throw new UserError(
                        "--threats on: the sensor cannot run: "
                                + pipeline.status().reason(),
                        ExitCodes.ERROR);
            }
            return collector;
        }

        /**
         * CSM Misconfigurations on this host (ADR 0054): the built-in Linux baseline run by the agent every
         * {@code --config-interval}, unless {@code --misconfigurations off}; with {@code auto} only on Linux.
         */
        private vigil.posture.checks.agent.@Nullable PostureCollector posture(java.util.function.Consumer<String> log)
                throws java.io.IOException {
            boolean linux = System.getProperty("os.name", "")
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("linux");
            switch (misconfigurations) {
                case "off" -> {
                    return null;
                }
                case "auto", "on" -> {
                    if (!linux) {
                        if (misconfigurations.equals("on")) {
                            throw new UserError(
                                    "--misconfigurations on: the host checks run on Linux only", ExitCodes.USAGE);
                        }
                        return null;
                    }
                }
                default ->
                    throw new UserError(
                            "--misconfigurations must be auto, on or off, not '" + misconfigurations + "'",
                            ExitCodes.USAGE);
            }
            java.time.Duration every = duration(configInterval.strip());
            if (every == null || every.compareTo(java.time.Duration.ofMinutes(5)) < 0) {
                throw new UserError(
                        "--config-interval '" + configInterval + "' is not a duration of 5 minutes or more: use"
                                + " a number and a unit, such as 30m, 1h or 1d",
                        ExitCodes.USAGE);
            }
            return hostChecks(every, log);
        }

        /** {@code --interval}: 30s, 15m, 2h, 1d, or ISO-8601; a usage error below the minimum or unreadable. */
        static java.time.Duration interval(String text) {
            java.time.Duration duration = duration(text.strip());
            if (duration == null) {
                throw new UserError(
                        "--interval '" + text + "' is not a duration: use a number and a unit, such as 30s, 15m or"
                                + " 1h (or ISO-8601 such as PT1H)",
                        ExitCodes.USAGE);
            }
            java.time.Duration minimum = vigil.agent.run.AgentLoop.MINIMUM_INTERVAL;
            if (duration.compareTo(minimum) < 0) {
                throw new UserError(
                        "--interval " + text + " is shorter than the agent's minimum of " + minimum.toSeconds()
                                + "s; use --interval " + minimum.toSeconds() + "s or more",
                        ExitCodes.USAGE);
            }
            return duration;
        }

        private static java.time.@Nullable Duration duration(String text) {
            java.util.regex.Matcher matcher = DURATION.matcher(text);
            if (matcher.matches()) {
                long n = Long.parseLong(matcher.group(1));
                return switch (Character.toLowerCase(matcher.group(2).charAt(0))) {
                    case 's' -> java.time.Duration.ofSeconds(n);
                    case 'm' -> java.time.Duration.ofMinutes(n);
                    case 'h' -> java.time.Duration.ofHours(n);
                    default -> java.time.Duration.ofDays(n);
                };
            }
            try {
                return java.time.Duration.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }

        /**
         * The spool's bound from {@code --spool-max}, else {@code VIGIL_SPOOL_MAX}, else 512 MiB: a number of bytes
         * with an optional unit (KiB, MiB, GiB, TiB or K, M, G, T: powers of 1024; KB, MB, GB, TB: of 1000).
         */
        static long spoolMax(@Nullable String option, java.util.Map<String, String> environment) {
            String source = "--spool-max";
            String text = option;
            if (text == null) {
                source = "VIGIL_SPOOL_MAX";
                text = environment.get("VIGIL_SPOOL_MAX");
                if (text == null || text.isBlank()) {
                    return DEFAULT_SPOOL_MAX;
                }
            }
            java.util.regex.Matcher matcher = SIZE.matcher(text.strip());
            if (!matcher.matches()) {
                throw new UserError(
                        source + " '" + text + "' is not a size: use a number and a unit, such as 256MiB or 2GiB",
                        ExitCodes.USAGE);
            }
            String unit = matcher.group(2) == null ? "b" : matcher.group(2).toLowerCase(java.util.Locale.ROOT);
            long scale = switch (unit) {
                case "k", "kib" -> 1L << 10;
                case "m", "mib" -> 1L << 20;
                case "g", "gib" -> 1L << 30;
                case "t", "tib" -> 1L << 40;
                case "kb" -> 1_000L;
                case "mb" -> 1_000_000L;
                case "gb" -> 1_000_000_000L;
                case "tb" -> 1_000_000_000_000L;
                default -> 1L;
            };
            long bytes;
            try {
                bytes = Math.multiplyExact(Long.parseLong(matcher.group(1)), scale);
            } catch (ArithmeticException e) {
                throw new UserError(source + " '" + text + "' is too large", ExitCodes.USAGE);
            }
            if (bytes < MINIMUM_SPOOL_MAX) {
                throw new UserError(
                        source + " '" + text + "' is " + bytes + " bytes, less than the minimum of 64KiB (a unit"
                                + " missing? such as " + matcher.group(1) + "MiB)",
                        ExitCodes.USAGE);
            }
            return bytes;
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

    /**
     * The posture checks of this host with the built-in rules, run every {@code every}: its root is {@code /}, or
     * where a containerized agent has it mounted ({@code VIGIL_HOST_ROOT}, else {@code /host} when it holds a
     * system), as the inventory's; its kernel state is that root's {@code proc} when mounted, else this {@code /proc}.
     */
    static vigil.posture.checks.agent.PostureCollector hostChecks(
            java.time.Duration every, java.util.function.Consumer<String> log) throws java.io.IOException {
        vigil.posture.rule.RuleFiles.Read read = vigil.posture.checks.BuiltInRules.load(java.util.List.of());
        vigil.posture.engine.PostureEngine engine =
                vigil.posture.engine.PostureEngine.compile(read.rules()).engine();
        java.util.Map<String, String> env = System.getenv();
        Path root = Path.of(env.getOrDefault("VIGIL_HOST_ROOT", "/"));
        if (!env.containsKey("VIGIL_HOST_ROOT") && java.nio.file.Files.isRegularFile(Path.of("/host/etc/os-release"))) {
            root = Path.of("/host");
        }
        Path proc =
                java.nio.file.Files.isDirectory(root.resolve("proc/self")) ? root.resolve("proc") : Path.of("/proc");
        String host = java.net.InetAddress.getLocalHost().getHostName();
        return new vigil.posture.checks.agent.PostureCollector(
                engine,
                root,
                proc,
                host,
                // /run first: /var/run is a link to /run, which in a container would name the container's own
                new vigil.agent.docker.DockerEngine(
                        java.nio.file.Files.exists(root.resolve("run/docker.sock"))
                                ? root.resolve("run/docker.sock")
                                : root.resolve("var/run/docker.sock"),
                        java.time.Duration.ofSeconds(10)),
                every,
                java.time.Clock.systemUTC(),
                log);
    }

    /** The agent wired to this machine: facts from real signals, the host root's package databases, the spool. */
    static vigil.agent.run.AgentRunner runner(
            Path dataDirectory, java.net.URI server, String apiKey, java.util.Map<String, String> environment)
            throws java.io.IOException {
        return runner(dataDirectory, server, apiKey, environment, Run.DEFAULT_SPOOL_MAX);
    }

    static vigil.agent.run.AgentRunner runner(
            Path dataDirectory,
            java.net.URI server,
            String apiKey,
            java.util.Map<String, String> environment,
            long spoolMax)
            throws java.io.IOException {
        return runner(dataDirectory, server, apiKey, environment, spoolMax, java.util.List.of());
    }

    static vigil.agent.run.AgentRunner runner(
            Path dataDirectory,
            java.net.URI server,
            String apiKey,
            java.util.Map<String, String> environment,
            long spoolMax,
            java.util.List<vigil.agent.collect.Collector> collectors)
            throws java.io.IOException {
        Path agentData = dataDirectory.resolve("agent");
        PrintWriter err = Console.err();
        return new vigil.agent.run.AgentRunner(
                batchMaker(dataDirectory, environment),
                new vigil.agent.run.Spool(
                        agentData.resolve("spool"), spoolMax, java.time.Clock.systemUTC(), warning -> {
                            err.println(java.time.Instant.now() + " warning: " + warning);
                            err.flush();
                        }),
                uploader(server, apiKey),
                collectors);
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
        return java.time.Instant.now() + " " + cycle.describe();
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Show the agent's identity and spool: batches waiting, batches dropped because the spool was full",
                "(since when), the last delivery and the last error."
            })
    static final class Status implements Callable<Integer> {
        @Option(
                names = {"-f", "--format"},
                paramLabel = "FORMAT",
                description = "table (default) or json.")
        String format = "table";

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws java.io.IOException {
            if (!format.equals("table") && !format.equals("json")) {
                throw new UserError("--format must be table or json, not '" + format + "'", ExitCodes.USAGE);
            }
            Path agentData = data.resolve().resolve("agent");
            Path idFile = agentData.resolve("agent-id");
            String id = java.nio.file.Files.isRegularFile(idFile)
                    ? java.nio.file.Files.readString(idFile).strip()
                    : null;
            // read only: the agent may be writing the spool right now
            vigil.agent.run.Spool.Status spool = vigil.agent.run.Spool.inspect(agentData.resolve("spool"));
            Path rejected = agentData.resolve("rejected");
            long refused = 0;
            if (java.nio.file.Files.isDirectory(rejected)) {
                try (var files = java.nio.file.Files.list(rejected)) {
                    // each refused batch, without the server's reasons kept beside them
                    refused = files.filter(f -> !f.getFileName().toString().endsWith(".reason.txt"))
                            .count();
                }
            }
            // the sensor's state as the running agent last wrote it (absent when Threats never ran here)
            Path threatsFile = agentData.resolve("threats-status.json");
            tools.jackson.databind.JsonNode threats = null;
            if (java.nio.file.Files.isRegularFile(threatsFile)) {
                try {
                    threats = JsonMapper.builder().build().readTree(java.nio.file.Files.readString(threatsFile));
                } catch (tools.jackson.core.JacksonException e) {
                    threats = null; // half written by an older agent: shown as unknown
                }
            }
            PrintWriter out = Console.out();
            if (format.equals("json")) {
                out.println(statusJson(id, spool, refused, rejected, threats));
            } else {
                out.println("Agent id:    " + (id == null ? "(not run yet)" : id));
                out.println("Spooled:     " + spool.pending() + " batches, " + spool.pendingBytes() + " bytes"
                        + (spool.maxBytes() > 0 ? " (bound " + spool.maxBytes() + " bytes)" : ""));
                out.println("Dropped:     " + spool.dropped() + " batches, " + spool.droppedBytes() + " bytes"
                        + (spool.droppedSince().equals(java.time.Instant.EPOCH) ? "" : " since " + spool.droppedSince())
                        + (spool.dropped() > 0 ? " (the spool was full; raise --spool-max to keep more)" : ""));
                out.println("Last sent:   " + (spool.lastSentAt() == null ? "never" : spool.lastSentAt()));
                out.println("Last error:  "
                        + (spool.lastError() == null ? "none" : spool.lastErrorAt() + " " + spool.lastError()));
                out.println("Refused:     " + refused + " batches (kept in " + rejected + ")");
                out.println("Threats:     " + threatsLine(threats));
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** The sensor in one line: its state, why, its events and what the kernel lost, per kind. */
        static String threatsLine(tools.jackson.databind.@Nullable JsonNode threats) {
            if (threats == null) {
                return "not running (the agent has not run the sensor here)";
            }
            String state = threats.path("state").asString("unknown");
            StringBuilder line = new StringBuilder("sensor ").append(state);
            if (threats.hasNonNull("reason")) {
                line.append(" (").append(threats.path("reason").asString()).append(')');
            }
            if (!state.equals("off")) {
                line.append(", ")
                        .append(threats.path("events").asLong())
                        .append(" events since ")
                        .append(threats.path("since").asString());
                java.util.List<String> lost = new java.util.ArrayList<>();
                for (java.util.Map.Entry<String, tools.jackson.databind.JsonNode> kind :
                        threats.path("lost").properties()) {
                    if (kind.getValue().asLong() > 0) {
                        lost.add(kind.getKey() + " " + kind.getValue().asLong());
                    }
                }
                line.append(lost.isEmpty() ? ", none lost" : ", lost: " + String.join(", ", lost));
                if (threats.path("suppressed").asLong() > 0) {
                    line.append(", ")
                            .append(threats.path("suppressed").asLong())
                            .append(" matches over a rule's limit (counted)");
                }
            }
            return line.toString();
        }

        private static String statusJson(
                @Nullable String id,
                vigil.agent.run.Spool.Status spool,
                long refused,
                Path rejected,
                tools.jackson.databind.@Nullable JsonNode threats) {
            tools.jackson.databind.node.ObjectNode root =
                    JsonMapper.builder().build().createObjectNode();
            root.put("agentId", id);
            tools.jackson.databind.node.ObjectNode pending = root.putObject("spool");
            pending.put("pending", spool.pending());
            pending.put("pendingBytes", spool.pendingBytes());
            if (spool.maxBytes() > 0) {
                pending.put("maxBytes", spool.maxBytes());
            } else {
                pending.putNull("maxBytes");
            }
            pending.put("dropped", spool.dropped());
            pending.put("droppedBytes", spool.droppedBytes());
            pending.put(
                    "droppedSince",
                    spool.droppedSince().equals(java.time.Instant.EPOCH)
                            ? null
                            : spool.droppedSince().toString());
            root.put(
                    "lastSentAt",
                    spool.lastSentAt() == null ? null : spool.lastSentAt().toString());
            if (spool.lastError() == null) {
                root.putNull("lastError");
            } else {
                tools.jackson.databind.node.ObjectNode error = root.putObject("lastError");
                error.put("at", String.valueOf(spool.lastErrorAt()));
                error.put("message", spool.lastError());
            }
            root.put("refused", refused);
            root.put("refusedDirectory", rejected.toString());
            if (threats == null) {
                root.putNull("threats");
            } else {
                root.set("threats", threats);
            }
            return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root);
        }
    }
}
