package vigil.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.EventJson;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Definitions;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleReport;
import vigil.threats.rules.policy.RuleRunner;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.RuleStatus;
import vigil.threats.rules.policy.RuleTests;
import vigil.threats.rules.policy.SensorProfile;

/**
 * {@code vigil rules}: Threats rule files (Datadog SECL policies and Falco rules files, told apart by their shape)
 * checked, evaluated on events, and tested.
 */
@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description = "Check, evaluate and test threat detection rules (Datadog SECL policies, Falco rules files).",
        subcommands = {RulesCommand.Check.class, RulesCommand.Eval.class, RulesCommand.Test.class})
final class RulesCommand implements Callable<Integer> {
    /** Larger than any real policy file; a larger one is refused before it is read. */
    static final long MAX_FILE = 16 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public Integer call() {
        throw new UserError("use 'vigil rules check', 'vigil rules eval' or 'vigil rules test'", ExitCodes.USAGE);
    }

    /** The options every subcommand shares: which host and sensor the rules are loaded for. */
    static final class Target {
        @Option(
                names = "--sensor",
                paramLabel = "NAME",
                description = "What the rules may use: linux-tracepoints (Vigil's sensor, the default) or all.")
        String sensor = "linux-tracepoints";

        @Option(
                names = "--os",
                paramLabel = "OS",
                description = "Check the rules' filters for this OS (linux, windows) instead of this host's.")
        String os = "";

        SensorProfile sensorProfile() {
            return switch (sensor) {
                case "linux-tracepoints" -> SensorProfile.linuxTracepoints();
                case "all" -> SensorProfile.everything();
                default ->
                    throw new UserError(
                            "--sensor must be linux-tracepoints or all, not '" + sensor + "'", ExitCodes.USAGE);
            };
        }

        Environment environment() {
            Environment host = Environment.ofThisHost();
            return os.isEmpty()
                    ? host
                    : new Environment(
                            os,
                            host.osId(),
                            host.osVersion(),
                            host.kernelMajor(),
                            host.kernelMinor(),
                            host.kernelPatch(),
                            host.agentVersion());
        }
    }

    /** SECL policies, Falco rules files and posture rule files, each in the order given. */
    record RuleFiles(
            List<PolicyReader.Read> secl,
            List<Map.Entry<String, String>> falco,
            List<Map.Entry<String, String>> posture) {}

    /**
     * Whether a rules file holds posture (Misconfigurations) rules: a mapping with {@code rules:} whose rules name
     * {@code resource_types:}, which neither SECL nor Falco has.
     */
    static boolean isPosture(String text) {
        for (String line : text.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.startsWith("resource_types:") || trimmed.startsWith("- resource_types:")) {
                return true;
            }
        }
        return false;
    }

    /** Posture rule files read and compiled; every problem named by file, line and column. */
    record PostureRules(vigil.posture.engine.PostureEngine engine, List<vigil.posture.rule.RuleProblem> problems) {}

    static PostureRules loadPosture(List<Map.Entry<String, String>> files) {
        vigil.posture.rule.RuleFiles reader = new vigil.posture.rule.RuleFiles();
        files.forEach(file -> reader.text(file.getKey(), file.getValue().getBytes(StandardCharsets.UTF_8)));
        vigil.posture.rule.RuleFiles.Read read = reader.read();
        vigil.posture.engine.PostureEngine.Compilation compilation =
                vigil.posture.engine.PostureEngine.compile(read.rules());
        List<vigil.posture.rule.RuleProblem> problems = new ArrayList<>(read.problems());
        problems.addAll(compilation.problems());
        return new PostureRules(compilation.engine(), problems);
    }

    /**
     * Whether a rules file is Falco's: a YAML list of {@code - rule:}/{@code - macro:}/{@code - list:} items, where a
     * SECL policy is a mapping ({@code macros:}, {@code rules:}).
     */
    static boolean isFalco(String text) {
        for (String line : text.lines().toList()) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equals("---")) {
                continue;
            }
            return trimmed.startsWith("- ") || trimmed.equals("-");
        }
        return false;
    }

    /** The files read and sorted by language, or a message naming the file that could not be read. */
    static RuleFiles readAll(List<Path> paths) {
        List<PolicyReader.Read> secl = new ArrayList<>();
        List<Map.Entry<String, String>> falco = new ArrayList<>();
        List<Map.Entry<String, String>> posture = new ArrayList<>();
        for (Path path : paths) {
            String text = text(path);
            if (isFalco(text)) {
                falco.add(Map.entry(path.toString(), text));
            } else if (isPosture(text)) {
                posture.add(Map.entry(path.toString(), text));
            } else {
                secl.add(PolicyReader.read(path.toString(), text));
            }
        }
        return new RuleFiles(secl, falco, posture);
    }

    private static String text(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new UserError(file + " is not a file", ExitCodes.ERROR);
            }
            if (Files.size(file) > MAX_FILE) {
                throw new UserError(file + " is larger than " + MAX_FILE + " bytes; not a rules file", ExitCodes.ERROR);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage(), ExitCodes.ERROR);
        }
    }

    /** Falco rules files loaded in order (a later file appends to or overrides an earlier one's items). */
    static vigil.threats.rules.falco.FalcoRulesLoader.Result loadFalco(List<Map.Entry<String, String>> files) {
        vigil.threats.rules.falco.FalcoRulesLoader loader =
                new vigil.threats.rules.falco.FalcoRulesLoader(vigil.threats.rules.falco.FalcoFields.linux());
        files.forEach(file -> loader.add(file.getKey(), file.getValue()));
        return loader.load();
    }

    /** A Falco rule's outcome in the report's terms. */
    static RuleReport report(vigil.threats.rules.falco.FalcoRule rule) {
        String where = rule.file() + ":" + rule.line();
        return switch (rule.status()) {
            case vigil.threats.rules.falco.FalcoRule.Status.Loaded loaded ->
                new RuleReport(rule.name(), where, RuleStatus.LOADED, "");
            case vigil.threats.rules.falco.FalcoRule.Status.Disabled disabled ->
                new RuleReport(rule.name(), where, RuleStatus.DISABLED, "enabled: false");
            case vigil.threats.rules.falco.FalcoRule.Status.Unsupported unsupported ->
                new RuleReport(
                        rule.name(), where, RuleStatus.UNSUPPORTED, unsupported.what() + ": " + unsupported.reason());
            case vigil.threats.rules.falco.FalcoRule.Status.InError error ->
                new RuleReport(rule.name(), error.location(), RuleStatus.ERROR, error.reason());
        };
    }

    static RuleSet load(List<PolicyReader.Read> reads, Target target) {
        return new PolicyLoader(FieldCatalog.linux(), Constants.linux(), target.environment(), target.sensorProfile())
                .load(reads);
    }

    private static String format(String format) {
        if (!format.equals("table") && !format.equals("json")) {
            throw new UserError("--format must be table or json, not '" + format + "'", ExitCodes.USAGE);
        }
        return format;
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Load policy files and say, rule by rule, whether each loads (loaded, filtered, disabled,"
                    + " unsupported, error) and why. Exits 1 when a rule is in error.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files, in load order.")
        List<Path> files = new ArrayList<>();

        @Option(
                names = {"-f", "--format"},
                paramLabel = "FORMAT",
                description = "table (default) or json.")
        String format = "table";

        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            String chosen = format(format);
            RuleFiles read = readAll(files);
            List<RuleReport> reports = new ArrayList<>(load(read.secl(), target).reports());
            if (!read.falco().isEmpty()) {
                vigil.threats.rules.falco.FalcoRulesLoader.Result falco = loadFalco(read.falco());
                falco.errors().forEach(error -> reports.add(new RuleReport("(file)", "", RuleStatus.ERROR, error)));
                falco.rules().forEach(rule -> reports.add(report(rule)));
            }
            if (!read.posture().isEmpty()) {
                PostureRules posture = loadPosture(read.posture());
                posture.engine()
                        .rules()
                        .forEach(rule -> reports.add(
                                new RuleReport(rule.id(), rule.position().toString(), RuleStatus.LOADED, "")));
                posture.problems()
                        .forEach(problem -> reports.add(new RuleReport(
                                "(posture)", problem.position().toString(), RuleStatus.ERROR, problem.message())));
            }
            Map<String, Long> summary = new LinkedHashMap<>();
            for (RuleStatus status : RuleStatus.values()) {
                summary.put(
                        status.word(),
                        reports.stream().filter(r -> r.status() == status).count());
            }
            PrintWriter out = Console.out();
            if (chosen.equals("json")) {
                ObjectNode root = JSON.createObjectNode();
                ArrayNode rules = root.putArray("rules");
                for (RuleReport report : reports) {
                    rules.addObject()
                            .put("id", report.id())
                            .put("source", report.source())
                            .put("status", report.status().word())
                            .put("reason", report.reason());
                }
                ObjectNode counts = root.putObject("summary");
                summary.forEach(counts::put);
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                table(reports, out);
                out.println(summaryLine(summary));
            }
            out.flush();
            return summary.getOrDefault(RuleStatus.ERROR.word(), 0L) > 0 ? ExitCodes.FINDINGS : ExitCodes.OK;
        }

        private static void table(List<RuleReport> reports, PrintWriter out) {
            int id = Math.min(
                    48,
                    reports.stream()
                            .mapToInt(report -> report.id().length())
                            .max()
                            .orElse(4));
            int source = Math.min(
                    40,
                    reports.stream()
                            .mapToInt(report -> report.source().length())
                            .max()
                            .orElse(5));
            String row = "%-11s  %-" + Math.max(id, 4) + "s  %-" + Math.max(source, 5) + "s  %s%n";
            out.printf(row, "STATUS", "RULE", "WHERE", "REASON");
            for (RuleReport report : reports) {
                out.printf(
                        row, report.status().word(), report.id(), report.source(), Console.printable(report.reason()));
            }
        }

        private static String summaryLine(Map<String, Long> summary) {
            List<String> parts = new ArrayList<>();
            summary.forEach((status, count) -> parts.add(count + " " + (status.equals("error") ? "in error" : status)));
            return String.join(", ", parts);
        }
    }

    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description = "Evaluate JSON events (one per line; see docs/threats-events.md) against policy files and"
                    + " print, for each event, the rules that match and the values that decided.")
    static final class Eval implements Callable<Integer> {
        @Option(
                names = "--policy",
                paramLabel = "FILE",
                arity = "1..*",
                required = true,
                description = "Policy files, in load order.")
        List<Path> policies = new ArrayList<>();

        @Option(
                names = "--event",
                paramLabel = "FILE|-",
                required = true,
                description = "A file of JSON events, one per line, or - for standard input.")
        String events = "-";

        @Option(
                names = {"-f", "--format"},
                paramLabel = "FORMAT",
                description = "table (default) or json (one line per event).")
        String format = "table";

        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() throws IOException {
            String chosen = format(format);
            RuleFiles read = readAll(policies);
            RuleSet set = load(read.secl(), target);
            List<vigil.threats.rules.falco.FalcoRule> falco = read.falco().isEmpty()
                    ? List.of()
                    : loadFalco(read.falco()).rules().stream()
                            .filter(vigil.threats.rules.falco.FalcoRule::loaded)
                            .toList();
            long errors = set.count(RuleStatus.ERROR);
            PrintWriter err = Console.err();
            if (errors > 0) {
                err.println("vigil: " + errors + " rules are in error and do not run; 'vigil rules check' says why");
            }
            RuleRunner runner = new RuleRunner(set, FieldCatalog.linux());
            EventJson decoder = new EventJson(FieldCatalog.linux());
            PrintWriter out = Console.out();
            int bad = 0;
            int number = 0;
            try (BufferedReader reader = events.equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(events), StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    Event event;
                    try {
                        event = decoder.parse(line);
                    } catch (EventBuilder.EventFormatException e) {
                        bad++;
                        err.println("vigil: " + events + " line " + number + ": "
                                + Console.printable(String.valueOf(e.getMessage())));
                        continue;
                    }
                    List<RuleRunner.Match> matches = new ArrayList<>(runner.evaluate(event));
                    for (vigil.threats.rules.falco.FalcoRule rule : falco) {
                        if (rule.eventTypes().contains(event.type())
                                && rule.evaluator().matches(event, vigil.threats.rules.engine.Scope.EMPTY)) {
                            // a Falco rule's output is what decided, in its own words
                            matches.add(new RuleRunner.Match(
                                    rule.name(),
                                    true,
                                    event.type(),
                                    Map.of("output", rule.output(event, vigil.threats.rules.falco.FalcoFields.linux())),
                                    List.of()));
                        }
                    }
                    print(chosen, number, event, matches, out);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UserError("no such file: " + events, ExitCodes.ERROR);
            } catch (IOException | java.io.UncheckedIOException e) {
                // a directory, an unreadable file, bytes that are not UTF-8: named, not a bare exception
                throw new UserError("cannot read events from " + events + ": " + e.getMessage(), ExitCodes.ERROR);
            }
            out.flush();
            return bad > 0 ? ExitCodes.ERROR : ExitCodes.OK;
        }

        private static void print(
                String format, int line, Event event, List<RuleRunner.Match> matches, PrintWriter out) {
            if (format.equals("json")) {
                ObjectNode root = JSON.createObjectNode().put("line", line).put("type", event.type());
                ArrayNode array = root.putArray("matches");
                for (RuleRunner.Match match : matches) {
                    ObjectNode node =
                            array.addObject().put("rule", match.ruleId()).put("signal", match.signal());
                    ObjectNode values = node.putObject("values");
                    match.values().forEach(values::put);
                    ArrayNode actions = node.putArray("actions");
                    match.actions().forEach(actions::add);
                }
                out.println(JSON.writeValueAsString(root));
                return;
            }
            out.println("line " + line + " (" + event.type() + "): "
                    + (matches.isEmpty() ? "no rule matches" : matches.size() + " rules match"));
            for (RuleRunner.Match match : matches) {
                out.println("  " + match.ruleId() + (match.signal() ? "" : " (silent)") + "  "
                        + Console.printable(match.values().toString())
                        + (match.actions().isEmpty() ? "" : "  actions: " + String.join(", ", match.actions())));
            }
        }
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = "Run the examples rule files carry (a threat rule's 'tests' block of match and no_match"
                    + " events, a posture rule's pass, fail, unknown and skipped examples). Exits 1 when one fails.")
    static final class Test implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files, in load order.")
        List<Path> files = new ArrayList<>();

        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            RuleFiles all = readAll(files);
            List<PolicyReader.Read> reads = all.secl(); // Falco files carry no tests
            RuleSet set = load(reads, target);
            List<Definitions.Rule> definitions = new ArrayList<>();
            reads.forEach(read -> definitions.addAll(read.rules()));
            List<TestLine> lines = new ArrayList<>();
            for (RuleTests.Outcome outcome : RuleTests.run(set, definitions, FieldCatalog.linux())) {
                lines.add(new TestLine(
                        outcome.ruleId(),
                        outcome.match() ? "match" : "no_match",
                        outcome.source(),
                        outcome.passed(),
                        outcome.detail()));
            }
            if (!all.posture().isEmpty()) {
                PostureRules posture = loadPosture(all.posture());
                if (!posture.problems().isEmpty()) {
                    StringBuilder message = new StringBuilder("the posture rules have problems; fix them first:");
                    posture.problems().forEach(problem -> message.append("\n  ").append(problem));
                    throw new UserError(message.toString(), ExitCodes.FINDINGS);
                }
                for (vigil.posture.engine.RuleExamples.Outcome outcome :
                        vigil.posture.engine.RuleExamples.run(posture.engine())) {
                    lines.add(new TestLine(
                            outcome.ruleId(),
                            outcome.expected(),
                            outcome.position().toString(),
                            outcome.passed(),
                            "gave " + outcome.status().label() + " (" + outcome.detail() + ")"));
                }
            }
            PrintWriter out = Console.out();
            long failed = lines.stream().filter(line -> !line.passed()).count();
            if (lines.isEmpty()) {
                out.println("no rule in these files has a tests block or examples: nothing was tested");
                out.flush();
                return ExitCodes.FINDINGS;
            }
            for (TestLine line : lines) {
                out.println((line.passed() ? "ok    " : "FAIL  ") + line.ruleId() + " " + line.kind() + " "
                        + line.source() + (line.passed() ? "" : ": " + Console.printable(line.detail())));
            }
            out.println(lines.size() - failed + " passed, " + failed + " failed");
            out.flush();
            return failed > 0 ? ExitCodes.FINDINGS : ExitCodes.OK;
        }

        /** One example's outcome as the report prints it: {@code ok    RULE KIND FILE:LINE[:COLUMN]}. */
        private record TestLine(String ruleId, String kind, String source, boolean passed, String detail) {}
    }
}
