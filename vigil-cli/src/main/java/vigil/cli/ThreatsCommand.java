package vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.Field;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleReport;
import vigil.threats.rules.policy.RuleRunner;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.RuleStatus;
import vigil.threats.sensor.EventMapper;
import vigil.threats.sensor.ProcessCache;
import vigil.threats.sensor.Sensor;
import vigil.threats.sensor.SensorException;

/** {@code vigil threats}: runtime threat detection on this host, with Vigil's kernel sensor (ADR 0045). */
@Command(
        name = "threats",
        mixinStandardHelpOptions = true,
        description = "Runtime threat detection on this host: the kernel sensor and the rules.",
        subcommands = {ThreatsCommand.Watch.class})
final class ThreatsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("use 'vigil threats watch'", ExitCodes.USAGE);
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description = {
                "Run the kernel sensor and the rules in the foreground and print each signal as it happens.",
                "Needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF; stop it with Ctrl-C."
            })
    static final class Watch implements Callable<Integer> {
        private static final JsonMapper JSON = JsonMapper.builder().build();
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
            FieldCatalog catalog = FieldCatalog.linux();
            RuleRunner runner = new RuleRunner(rules, catalog);
            Path proc = Path.of("/proc");
            EventMapper mapper;
            try {
                mapper = new EventMapper(ProcessCache.fromProc(proc), catalog, proc);
            } catch (SensorException e) {
                throw new UserError("the sensor could not run: " + e.getMessage(), ExitCodes.ERROR);
            }
            PrintWriter out = Console.out();
            PrintWriter err = Console.err();
            long[] counts = new long[2]; // events, signals
            RuleRunner.MatchSink sink = (rule, variant, signal, event) -> {
                if (signal) {
                    counts[1]++;
                    out.println(json ? json(rule, event, catalog) : row(rule, event, catalog));
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
            java.util.function.Consumer<vigil.threats.sensor.SensorRecord> records =
                    record -> mapper.map(record).ifPresent(event -> {
                        counts[0]++;
                        runner.evaluate(event, sink);
                    });
            // opens no rule can match are not recorded in the kernel, when the rules allow it (ADR 0045)
            java.util.Optional<java.util.TreeSet<String>> approvers = vigil.threats.sensor.OpenApprovers.of(rules);
            try (Sensor sensor =
                    approvers.isPresent() ? Sensor.start(records, approvers.get()) : Sensor.start(records)) {
                err.println("vigil: watching with " + rules.rules().size() + " rules on "
                        + sensor.programs().size() + " tracepoint programs"
                        + (duration == 0 ? "; Ctrl-C stops" : " for " + duration + " s"));
                while (!stop.get() && System.nanoTime() < deadline) {
                    sensor.poll(100);
                }
                Map<String, Long> lost = sensor.lost();
                long lostAll = lost.values().stream().mapToLong(Long::longValue).sum();
                err.println("vigil: " + counts[0] + " events, " + counts[1] + " signals"
                        + (lostAll == 0 ? ", none lost" : ", lost by the kernel (ring buffer full): " + lost)
                        + (approvers.isPresent()
                                ? "; " + sensor.approverDrops() + " opens left out in the kernel (no rule is about"
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

        /** The policy files, or Vigil's built-in policy; rules that do not load are told, and none loading is an error. */
        private RuleSet rules() {
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

        private static String row(RuleSet.Loaded rule, Event event, FieldCatalog catalog) {
            return String.format(
                    "%-12s  %-8s  %-34s  %7s  %-28s  %s",
                    TIME.format(time(event, catalog)),
                    rule.definition().tags().getOrDefault("severity", "-"),
                    rule.definition().id(),
                    first(event, catalog, "process.pid"),
                    first(event, catalog, "process.file.path"),
                    what(event, catalog));
        }

        /** The event in a few words: what ran, what was opened, where it connected. */
        private static String what(Event event, FieldCatalog catalog) {
            return switch (event.type()) {
                case "exec" ->
                    "exec " + first(event, catalog, "exec.file.path") + " " + first(event, catalog, "exec.args");
                case "open" -> "open " + first(event, catalog, "open.file.path");
                case "connect" ->
                    "connect " + first(event, catalog, "connect.addr.ip") + ":"
                            + first(event, catalog, "connect.addr.port");
                default -> event.type();
            };
        }

        private static String first(Event event, FieldCatalog catalog, String name) {
            Object value = catalog.find(name).map(event::value).orElse(null);
            return switch (value) {
                case String[] strings when strings.length > 0 -> strings[0];
                case long[] longs when longs.length > 0 -> Long.toString(longs[0]);
                case Object[] objects when objects.length > 0 -> String.valueOf(objects[0]);
                case null, default -> "";
            };
        }

        /** When the event happened (its {@code event.timestamp}, nanoseconds since the epoch), or now without one. */
        private static Instant time(Event event, FieldCatalog catalog) {
            long nanos = number(event, catalog, "event.timestamp");
            return nanos == 0 ? Instant.now() : Instant.ofEpochSecond(0, nanos);
        }

        private static long number(Event event, FieldCatalog catalog, String name) {
            return catalog.find(name).map(event::value).orElse(null) instanceof long[] longs && longs.length > 0
                    ? longs[0]
                    : 0;
        }

        /** One signal as one JSON object: the rule, its severity and ATT&CK tags, the process, the event's fields. */
        private static String json(RuleSet.Loaded rule, Event event, FieldCatalog catalog) {
            ObjectNode signal = JSON.createObjectNode();
            Map<String, String> tags = rule.definition().tags();
            signal.put("rule_id", rule.definition().id());
            signal.put("severity", tags.getOrDefault("severity", null));
            signal.put("mitre_tactic", tags.getOrDefault("mitre_tactic", null));
            signal.put("mitre_technique", tags.getOrDefault("mitre_technique", null));
            signal.put("time", time(event, catalog).toString());
            ObjectNode process = signal.putObject("process");
            process.put("pid", number(event, catalog, "process.pid"));
            process.put("ppid", number(event, catalog, "process.ppid"));
            process.put("path", first(event, catalog, "process.file.path"));
            process.put("uid", number(event, catalog, "process.uid"));
            process.put("comm", first(event, catalog, "process.comm"));
            ObjectNode container = signal.putObject("container");
            container.put("cgroup_id", first(event, catalog, "process.cgroup.id"));
            ObjectNode fields = signal.putObject("event");
            fields.put("type", event.type());
            put(fields, event, catalog.fields());
            return signal.toString();
        }

        private static void put(ObjectNode out, Event event, Collection<Field> fields) {
            for (Field field : fields) {
                if (!field.belongsTo(event.type()) || field.name().equals("event.type")) {
                    continue;
                }
                Object value = event.value(field);
                if (value == null) {
                    continue;
                }
                ArrayNode many = field.multiple() ? out.putArray(field.name()) : null;
                int length = java.lang.reflect.Array.getLength(value);
                for (int i = 0; i < length; i++) {
                    Object item = java.lang.reflect.Array.get(value, i);
                    if (many != null) {
                        switch (item) {
                            case Long number -> many.add(number);
                            case Boolean bool -> many.add(bool);
                            default -> many.add(String.valueOf(item));
                        }
                    } else if (i == 0) {
                        switch (item) {
                            case Long number -> out.put(field.name(), number);
                            case Boolean bool -> out.put(field.name(), bool);
                            default -> out.put(field.name(), String.valueOf(item));
                        }
                    }
                }
            }
        }
    }
}
