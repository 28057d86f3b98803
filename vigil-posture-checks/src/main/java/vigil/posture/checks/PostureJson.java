package vigil.posture.checks;

import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.posture.engine.FieldRead;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;

/**
 * A config scan as a {@code posture} batch section (docs/posture-results.md): every verdict but "not applicable",
 * each with the fields its rule read, so the server keeps passes for compliance and failures as findings.
 */
public final class PostureJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Longest text a verdict's field carries; the server refuses longer. */
    static final int MAX_TEXT = 4_096;

    private PostureJson() {}

    public static ObjectNode section(ConfigScan.Report report, String benchmark, long scannedAt) {
        ObjectNode section = JSON.createObjectNode();
        section.put("scope", "host");
        section.put("benchmark", benchmark);
        section.put("scanned_at", scannedAt);
        ArrayNode results = section.putArray("results");
        for (Result result : report.results()) {
            if (result.status() == Status.SKIPPED) {
                continue;
            }
            ObjectNode node = results.addObject();
            node.put("rule_id", result.rule().id());
            node.put("title", cut(result.rule().title(), 512));
            node.put("severity", result.rule().severity().name().toLowerCase(Locale.ROOT));
            node.put("status", result.status().label());
            ObjectNode resource = node.putObject("resource");
            resource.put("type", result.resource().type());
            resource.put("id", cut(result.resource().id(), 1024));
            resource.put("name", cut(result.resource().name(), 1024));
            ArrayNode evidence = node.putArray("evidence");
            for (FieldRead read : result.evidence()) {
                evidence.addObject().put("field", cut(read.path(), 512)).put("value", cut(read.value(), MAX_TEXT));
            }
            node.put("expected", cut(result.rule().expected(), MAX_TEXT));
            ArrayNode controls = node.putArray("controls");
            result.rule().controls().forEach(control -> controls.add(cut(control, 128)));
            node.put("remediation", cut(result.rule().remediation().text(), MAX_TEXT));
            if (!result.detail().isEmpty()) {
                node.put("detail", cut(result.detail(), MAX_TEXT));
            }
        }
        ArrayNode notes = section.putArray("notes");
        report.notes().stream().limit(200).forEach(note -> notes.add(cut(note, MAX_TEXT)));
        return section;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
