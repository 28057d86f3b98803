package vigil.cli.output;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.Severity;
import vigil.posture.checks.ConfigScan;
import vigil.posture.engine.FieldRead;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;
import vigil.posture.rule.Rule;

/**
 * A posture scan's report ({@code vigil scan config}): a table for people (failures first, by severity, each with
 * the values that decided it), JSON for machines, SARIF for code-scanning dashboards.
 */
public final class PostureReport {
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final int WIDTH = 100;

    private PostureReport() {}

    /** The formats a posture report has. */
    public enum Format {
        TABLE,
        JSON,
        SARIF;

        public static Format parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "table" -> TABLE;
                case "json" -> JSON;
                case "sarif" -> SARIF;
                default ->
                    throw new IllegalArgumentException("unknown format '" + text + "': use table, json or sarif");
            };
        }
    }

    public static void write(ConfigScan.Report report, Format format, boolean all, String version, Writer out) {
        switch (format) {
            case TABLE -> table(report, all, new PrintWriter(out));
            case JSON -> JSON.writeValue(out, json(report));
            case SARIF -> JSON.writeValue(out, sarif(report, version));
        }
    }

    private static final Comparator<Result> WORST_FIRST = Comparator.comparing(
                    (Result result) -> result.rule().severity())
            .reversed()
            .thenComparing(result -> result.rule().id())
            .thenComparing(result -> result.resource().id());

    static void table(ConfigScan.Report report, boolean all, PrintWriter out) {
        out.println(report.target());
        out.println();
        Map<Status, List<Result>> byStatus = new EnumMap<>(Status.class);
        for (Status status : Status.values()) {
            byStatus.put(
                    status,
                    report.results().stream()
                            .filter(result -> result.status() == status)
                            .sorted(WORST_FIRST)
                            .toList());
        }
        List<Status> shown = all
                ? List.of(Status.FAIL, Status.ERROR, Status.UNKNOWN, Status.PASS)
                : List.of(Status.FAIL, Status.ERROR, Status.UNKNOWN);
        for (Status status : shown) {
            List<Result> results = byStatus.get(status);
            if (results == null || results.isEmpty()) {
                continue;
            }
            out.println(status.name() + " (" + results.size() + ")");
            out.printf("  %-8s  %-48s  %s%n", "SEVERITY", "RULE", "RESOURCE");
            for (Result result : results) {
                out.printf(
                        "  %-8s  %-48s  %s%n",
                        result.rule().severity().name(),
                        cut(result.rule().id(), 48),
                        cut(result.resource().name(), WIDTH - 62));
                out.println("            " + cut(result.rule().title(), WIDTH - 12));
                String why = status == Status.PASS ? result.actual() : "found: " + result.actual();
                out.println("            " + cut(why, WIDTH - 12));
                if (status == Status.FAIL) {
                    out.println("            expected: " + cut(result.rule().expected(), WIDTH - 22));
                    String fix = result.rule().remediation().text();
                    if (!fix.isEmpty()) {
                        out.println("            fix: " + cut(fix, WIDTH - 17));
                    }
                }
            }
            out.println();
        }
        if (!report.notes().isEmpty()) {
            out.println("Not examined (" + report.notes().size() + "):");
            report.notes().forEach(note -> out.println("  " + cut(note, WIDTH - 2)));
            out.println();
        }
        out.printf(
                "%d rules on %d resources: %d failed, %d passed, %d unknown, %d errors, %d not applicable%n",
                report.results().stream().map(r -> r.rule().id()).distinct().count(),
                report.results().stream().map(r -> r.resource().id()).distinct().count(),
                report.count(Status.FAIL),
                report.count(Status.PASS),
                report.count(Status.UNKNOWN),
                report.count(Status.ERROR),
                report.count(Status.SKIPPED));
        if (report.results().isEmpty()) {
            out.println("No rule applied to anything this scan read: this is not a clean result.");
        } else if (!all && report.count(Status.PASS) > 0) {
            out.println("Passed checks are listed with --all.");
        }
        out.flush();
    }

    private static String cut(String text, int max) {
        String line = text.replace('\n', ' ');
        return line.length() <= max ? line : line.substring(0, Math.max(0, max - 1)) + "…";
    }

    static ObjectNode json(ConfigScan.Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("target", report.target());
        ObjectNode summary = root.putObject("summary");
        for (Status status : Status.values()) {
            summary.put(status.label(), report.count(status));
        }
        ArrayNode results = root.putArray("results");
        for (Result result : report.results()) {
            ObjectNode node = results.addObject();
            Rule rule = result.rule();
            node.put("rule_id", rule.id());
            node.put("title", rule.title());
            node.put("severity", rule.severity().name().toLowerCase(Locale.ROOT));
            node.put("status", result.status().label());
            ObjectNode resource = node.putObject("resource");
            resource.put("type", result.resource().type());
            resource.put("id", result.resource().id());
            resource.put("name", result.resource().name());
            ArrayNode evidence = node.putArray("evidence");
            for (FieldRead read : result.evidence()) {
                evidence.addObject().put("field", read.path()).put("value", read.value());
            }
            if (!result.detail().isEmpty()) {
                node.put("detail", result.detail());
            }
            node.put("expected", rule.expected());
            ArrayNode controls = node.putArray("controls");
            rule.controls().forEach(controls::add);
            ArrayNode references = node.putArray("references");
            rule.references().forEach(references::add);
            if (result.status() == Status.FAIL) {
                ObjectNode remediation = node.putObject("remediation");
                remediation.put("text", rule.remediation().text());
                putIfPresent(remediation, "shell", rule.remediation().shell());
                putIfPresent(remediation, "terraform", rule.remediation().terraform());
                putIfPresent(remediation, "cloudformation", rule.remediation().cloudformation());
                putIfPresent(remediation, "kubectl", rule.remediation().kubectl());
            }
        }
        ArrayNode notes = root.putArray("notes");
        report.notes().forEach(notes::add);
        return root;
    }

    private static void putIfPresent(ObjectNode node, String key, String value) {
        if (!value.isEmpty()) {
            node.put(key, value);
        }
    }

    /** SARIF 2.1.0: a rule per posture rule that failed, a result per failure, located at the resource. */
    static ObjectNode sarif(ConfigScan.Report report, String version) {
        ObjectNode sarif = JSON.createObjectNode();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        ObjectNode run = sarif.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "Vigil");
        driver.put("version", version);
        driver.put("informationUri", "https://github.com/vigil-csm/vigil");
        ArrayNode rules = driver.putArray("rules");
        ArrayNode results = run.putArray("results");
        Map<String, Integer> index = new LinkedHashMap<>();
        for (Result result : report.results()) {
            if (result.status() != Status.FAIL) {
                continue;
            }
            Rule rule = result.rule();
            Integer at = index.get(rule.id());
            if (at == null) {
                at = index.size();
                index.put(rule.id(), at);
                ObjectNode node = rules.addObject();
                node.put("id", rule.id());
                node.putObject("shortDescription").put("text", rule.title());
                node.putObject("fullDescription")
                        .put("text", rule.rationale().isEmpty() ? rule.title() : rule.rationale());
                node.putObject("help").put("text", rule.remediation().text());
                ObjectNode properties = node.putObject("properties");
                properties.put("security-severity", securitySeverity(rule.severity()));
                ArrayNode tags = properties.putArray("tags");
                tags.add("security");
                tags.add("misconfiguration");
                rule.controls().forEach(tags::add);
            }
            ObjectNode node = results.addObject();
            node.put("ruleId", rule.id());
            node.put("ruleIndex", at);
            node.put("level", level(rule.severity()));
            node.putObject("message")
                    .put("text", rule.title() + ": found " + result.actual() + "; expected " + rule.expected());
            ObjectNode location = node.putArray("locations").addObject();
            var origin = result.resource().origin();
            if (origin != null) {
                ObjectNode physical = location.putObject("physicalLocation");
                physical.putObject("artifactLocation").put("uri", origin.path());
                if (origin.line() > 0) {
                    physical.putObject("region").put("startLine", origin.line());
                }
            }
            location.putArray("logicalLocations")
                    .addObject()
                    .put("name", result.resource().name())
                    .put("fullyQualifiedName", result.resource().id())
                    .put("kind", result.resource().type());
        }
        return sarif;
    }

    private static String level(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            default -> "note";
        };
    }

    private static String securitySeverity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "3.0";
            default -> "0.0";
        };
    }
}
