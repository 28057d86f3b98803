package vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleReport;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.RuleStatus;
import vigil.threats.sensor.SensorException;
import vigil.threats.sensor.signal.SensorStatus;
import vigil.threats.sensor.signal.Signal;
import vigil.threats.sensor.signal.SignalJson;
import vigil.threats.sensor.signal.SignalMaker;
import vigil.threats.sensor.signal.ThreatPipeline;

/** {@code vigil threats}: runtime threat detection on this host, with Vigil's kernel sensor (ADR 0045). */
@Command(
        name = "threats",
        mixinStandardHelpOptions = true,
        description = "Runtime threat detection on this host: the kernel sensor and the rules.",
        subcommands = {ThreatsCommand.Watch.class, ThreatsCommand.Record.class, ThreatsCommand.InstallTrace.class})
final class ThreatsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError(
                "use 'vigil threats watch', 'vigil threats record' or 'vigil threats install-trace'", ExitCodes.USAGE);
    }

    @Command(
            name = "install-trace",
            mixinStandardHelpOptions = true,
            description = {
                "Write the vigil-trace launcher into DIR, for workloads where no eBPF runs (ECS Fargate).",
                "The launcher is static (x86_64 Linux); DIR is a volume the task's containers share (deploy/ecs). The",
                "workload's entrypoint becomes DIR/vigil-trace --socket SOCKET -- ENTRYPOINT..., and the agent runs",
                "with --sensor trace --trace-socket SOCKET."
            })
    static final class InstallTrace implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "Where to write vigil-trace.")
        Path dir = Path.of(".");

        @Override
        public Integer call() throws java.io.IOException {
            Path launcher = vigil.threats.sensor.TraceLauncher.install(dir);
            Console.out().println("wrote " + launcher + " (" + java.nio.file.Files.size(launcher) + " bytes)");
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "record",
            mixinStandardHelpOptions = true,
            description = {
                "Record the kernel sensor's events as JSON lines (docs/threats-events.md), for 'vigil rules eval' and",
                "the engine's tests: the events the policy is about (its event types, and the opens of the paths its",
                "rules name), as the rules would see them. Needs root, as watch does."
            })
    static final class Record implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the events.")
        Path out = Path.of("");

        @Option(
                names = "--policy",
                paramLabel = "FILE",
                description = "SECL policy files deciding what is recorded (default: Vigil's built-in policy).")
        List<Path> policies = new ArrayList<>();

        @Option(
                names = "--duration",
                paramLabel = "SECONDS",
                description = "Stop after this many seconds (default: 10).")
        long duration = 10;

        @Option(
                names = "--sensor",
                paramLabel = "SOURCE",
                description = "auto (the default), ebpf, fallback, or trace (vigil-trace launchers' events).")
        String sensor = "auto";

        @picocli.CommandLine.Mixin
        TraceSocketOption trace = new TraceSocketOption();

        @Override
        public Integer call() throws java.io.IOException {
            if (duration < 1) {
                throw new UserError("--duration must be 1 or more seconds", ExitCodes.USAGE);
            }
            Watch rules = new Watch();
            rules.policies = policies;
            RuleSet ruleSet = rules.rules();
            vigil.threats.rules.event.EventJson json =
                    new vigil.threats.rules.event.EventJson(vigil.threats.rules.event.FieldCatalog.linux());
            long[] written = new long[1];
            java.io.BufferedWriter opened;
            try {
                opened = java.nio.file.Files.newBufferedWriter(out);
            } catch (java.io.IOException e) {
                throw new UserError(
                        "cannot write the events to " + out + ": "
                                + (e instanceof java.nio.file.NoSuchFileException
                                        ? "its directory does not exist"
                                        : e instanceof java.nio.file.AccessDeniedException
                                                ? "permission denied"
                                                : String.valueOf(e.getMessage()))
                                + "; give --out a file in a directory that exists and can be written",
                        ExitCodes.USAGE);
            }
            try (java.io.BufferedWriter writer = opened;
                    ThreatPipeline pipeline = new ThreatPipeline(
                                    ruleSet,
                                    new ThreatPipeline.Options(java.time.Duration.ofSeconds(30), 100, false)
                                            .with(Watch.source(sensor))
                                            .withTraceSocket(trace.resolve()),
                                    Path.of("/proc"),
                                    Path.of("/etc"),
                                    SignalMaker.Images.NONE,
                                    java.time.Clock.systemUTC())
                            .start()) {
                java.io.IOException[] failed = new java.io.IOException[1];
                pipeline.record(event -> {
                    try {
                        writer.write(json.write(event));
                        writer.newLine();
                        written[0]++;
                    } catch (java.io.IOException e) {
                        failed[0] = e;
                    }
                });
                Console.err().println("vigil: recording for " + duration + " s into " + out);
                long deadline = System.nanoTime() + duration * 1_000_000_000L;
                while (System.nanoTime() < deadline && failed[0] == null) {
                    pipeline.poll(100);
                }
                if (failed[0] != null) {
                    throw new UserError("cannot write " + out + ": " + failed[0].getMessage(), ExitCodes.ERROR);
                }
                SensorStatus status = pipeline.statusNow();
                Console.err()
                        .println("vigil: " + written[0] + " events recorded"
                                + (status.lostTotal() == 0 ? ", none lost" : ", lost by the kernel: " + status.lost()));
            } catch (SensorException e) {
                throw new UserError("the sensor could not run: " + e.getMessage(), ExitCodes.ERROR);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description = {
                "Run the kernel sensor and the rules in the foreground and print each signal as it happens.",
                "Needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF; stop it with Ctrl-C."
            })
    static final class Watch implements Callable<Integer> {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

        @Option(
                names = "--policy",
                paramLabel = "FILE",
                description = "SECL policy files, in load order (default: Vigil's built-in policy).")
        List<Path> policies = new ArrayList<>();

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                description = "table (the default) or json: one object per line.")
        String format = "table";

        @Option(
                names = "--duration",
                paramLabel = "SECONDS",
                description = "Stop after this many seconds (default: until interrupted).")
        long duration;

        @Option(
                names = "--sensor",
                paramLabel = "SOURCE",
                description = "auto (the default: eBPF, else the fanotify and proc-connector fallback), ebpf,"
                        + " fallback, or trace (the events of vigil-trace launchers, where no eBPF runs: ECS"
                        + " Fargate).")
        String sensor = "auto";

        @picocli.CommandLine.Mixin
        TraceSocketOption trace = new TraceSocketOption();

        @Option(
                names = "--no-kill",
                description = "Report what the rules' kill actions would do instead of sending the signal.")
        boolean noKill;

        /** This host, and what Vigil's own sensor gives: the rules run here, on its events. */
        private final RulesCommand.Target target = new RulesCommand.Target();

        @Override
        public Integer call() throws InterruptedException {
            boolean json = switch (format) {
                case "json" -> true;
                case "table" -> false;
                default -> throw new UserError("--format must be table or json, not '" + format + "'", ExitCodes.USAGE);
            };
            if (duration < 0) {
                throw new UserError("--duration must be 0 (until interrupted) or more seconds", ExitCodes.USAGE);
            }
            RuleSet rules = rules();
            ThreatPipeline pipeline;
            try {
                pipeline = new ThreatPipeline(
                        rules,
                        new ThreatPipeline.Options(java.time.Duration.ofSeconds(30), 100, !noKill)
                                .with(source(sensor))
                                .withTraceSocket(trace.resolve()),
                        Path.of("/proc"),
                        Path.of("/etc"),
                        vigil.threats.sensor.signal.SignalMaker.Images.local(),
                        java.time.Clock.systemUTC());
            } catch (SensorException e) {
                throw new UserError("the sensor could not run: " + e.getMessage(), ExitCodes.ERROR);
            }
            PrintWriter out = Console.out();
            PrintWriter err = Console.err();
            long[] signals = new long[1];
            java.util.function.Consumer<List<Signal>> print = made -> {
                for (Signal signal : made) {
                    signals[0]++;
                    out.println(json ? json(signal) : row(signal));
                }
                if (!made.isEmpty()) {
                    out.flush();
                }
            };
            if (!json) {
                out.printf(
                        "%-12s  %-8s  %-34s  %7s  %-28s  %s%n", "TIME", "SEVERITY", "RULE", "PID", "PROCESS", "WHAT");
                out.flush();
            }
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch stopped = new CountDownLatch(1);
            // Ctrl-C: the loop ends, the sensor detaches and the summary is printed before the JVM exits
            Thread hook = new Thread(() -> {
                stop.set(true);
                try {
                    stopped.await(
                            java.time.Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            long deadline = duration == 0 ? Long.MAX_VALUE : System.nanoTime() + duration * 1_000_000_000L;
            try (ThreatPipeline running = pipeline.start()) {
                SensorStatus started = running.status();
                err.println("vigil: watching with " + rules.rules().size() + " rules on "
                        + switch (started.source()) {
                            case "ebpf" -> started.hooks().size() + " tracepoint programs";
                            case "ptrace" -> String.join(", ", started.hooks());
                            default -> "the fallback sensor (" + started.reason() + ")";
                        }
                        + (duration == 0 ? "; Ctrl-C stops" : " for " + duration + " s"));
                if (!running.kernelHooks().isEmpty()) {
                    err.println("vigil: kernel hooks: " + vigil.threats.sensor.HookProbe.summary(running.kernelHooks())
                            + " (vigil agent check says why)");
                }
                while (!stop.get() && System.nanoTime() < deadline) {
                    running.poll(100);
                    print.accept(running.take());
                }
                print.accept(running.takeAll());
                SensorStatus status = running.statusNow();
                err.println("vigil: " + status.events() + " events, " + signals[0] + " signals"
                        + (status.suppressed() == 0
                                ? ""
                                : " (" + status.suppressed() + " more matches over a rule's limit, counted only)")
                        + (status.lostTotal() == 0
                                ? ", none lost"
                                : ", lost by the kernel (ring buffer full): " + status.lost())
                        + (status.source().equals("ptrace")
                                ? "; " + String.join(", ", status.hooks())
                                        + (status.reason() == null ? "" : " (" + status.reason() + ")")
                                : !status.source().equals("ebpf")
                                        ? "; the fallback sensor: every open seen (it has no approvers in the kernel)"
                                        : running.openPrefixes().isPresent()
                                                ? "; " + status.approverDrops()
                                                        + " opens left out in the kernel (no rule is about"
                                                        + " their paths)"
                                                : "; every open recorded (a rule on opens is not about paths alone)"));
            } catch (SensorException e) {
                throw new UserError("the sensor could not run: " + e.getMessage(), ExitCodes.ERROR);
            } finally {
                stopped.countDown();
                if (!stop.get()) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting: the hook is running already
                    }
                }
            }
            return ExitCodes.OK;
        }

        /** {@code --sensor}: auto, ebpf, fallback or trace. */
        static ThreatPipeline.Source source(String text) {
            return switch (text) {
                case "auto" -> ThreatPipeline.Source.AUTO;
                case "ebpf" -> ThreatPipeline.Source.EBPF;
                case "fallback" -> ThreatPipeline.Source.FALLBACK;
                case "trace" -> ThreatPipeline.Source.TRACE;
                default ->
                    throw new UserError(
                            "--sensor must be auto, ebpf, fallback or trace, not '" + text + "'", ExitCodes.USAGE);
            };
        }

        /** The policy files, or Vigil's built-in policy; rules that do not load are told, and none loading is an error. */
        RuleSet rules() {
            List<PolicyReader.Read> reads;
            if (policies.isEmpty()) {
                reads = List.of(BuiltInPolicy.read());
            } else {
                RulesCommand.RuleFiles files = RulesCommand.readAll(policies);
                if (!files.falco().isEmpty()) {
                    throw new UserError(
                            "watch runs SECL policies; Falco rules files ("
                                    + String.join(
                                            ", ",
                                            files.falco().stream()
                                                    .map(Map.Entry::getKey)
                                                    .toList())
                                    + ") are checked and evaluated by 'vigil rules' only, for now",
                            ExitCodes.USAGE);
                }
                reads = files.secl();
            }
            RuleSet rules = RulesCommand.load(reads, target);
            List<RuleReport> skipped = rules.reports().stream()
                    .filter(report -> report.status() != RuleStatus.LOADED)
                    .toList();
            for (RuleReport report : skipped) {
                Console.err()
                        .println("vigil: rule " + report.id() + " (" + report.source() + ") not run: "
                                + report.status().name().toLowerCase(java.util.Locale.ROOT) + ", " + report.reason());
            }
            if (rules.rules().isEmpty()) {
                throw new UserError("no rule of the policy loads; 'vigil rules check FILE' says why", ExitCodes.ERROR);
            }
            return rules;
        }

        /** One signal as the agent sends it; {@code container} is null, not absent, for a host process. */
        private static String json(Signal signal) {
            tools.jackson.databind.node.ObjectNode node = SignalJson.signal(signal);
            if (!node.has("container")) {
                node.putNull("container");
            }
            return node.toString();
        }

        private static String row(Signal signal) {
            return String.format(
                    "%-12s  %-8s  %-34s  %7s  %-28s  %s",
                    TIME.format(signal.time()),
                    signal.severity(),
                    signal.ruleId(),
                    signal.process().pid(),
                    signal.process().path(),
                    what(signal) + (signal.count() > 1 ? " (" + signal.count() + " times)" : "") + actions(signal));
        }

        /** The event in a few words: what ran, what was opened, where it connected. */
        private static String what(Signal signal) {
            Signal.FileTouch file = signal.file();
            Signal.Connection connection = signal.connection();
            if (signal.eventType().equals("exec") && file != null) {
                return "exec " + file.path() + " "
                        + String.valueOf(signal.event().getOrDefault("exec.args", ""));
            }
            if (file != null) {
                return signal.eventType() + " " + file.path();
            }
            if (connection != null) {
                return "connect " + connection.destinationAddress() + ":" + connection.destinationPort();
            }
            return signal.eventType();
        }

        private static String actions(Signal signal) {
            StringBuilder out = new StringBuilder();
            for (Signal.ActionResult action : signal.actions()) {
                if (!action.action().equals("set")) {
                    out.append("; ")
                            .append(action.action())
                            .append(' ')
                            .append(action.result())
                            .append(": ")
                            .append(action.detail());
                }
            }
            return out.toString();
        }
    }
}
