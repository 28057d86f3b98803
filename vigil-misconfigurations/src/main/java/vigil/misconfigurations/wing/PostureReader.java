package vigil.misconfigurations.wing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import vigil.model.Severity;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

/**
 * Reads one {@code posture} section as docs/posture-results.md defines it, checking every field: a verdict the server
 * cannot read refuses the batch with 400 naming the section, the verdict's index and the field. Unknown fields are
 * ignored (a later agent may add some). Untrusted input: fuzzed by PostureReaderFuzzTest.
 */
public final class PostureReader {
    /** Verdicts of one section: more than any benchmark has rules times a host has resources they apply to. */
    public static final int MAX_VERDICTS = 20_000;

    static final int MAX_TEXT = 4_096;
    static final int MAX_EVIDENCE = 32;
    static final int MAX_CONTROLS = 64;
    static final int MAX_NOTES = 200;

    private static final Pattern RULE_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,200}$");
    private static final List<String> STATUSES = List.of("pass", "fail", "unknown", "error");
    private static final List<String> SCOPES = List.of("host");

    /**
     * One section read.
     *
     * @param scope what the verdicts cover, replaced as a whole: {@code host} (the sending agent's host)
     * @param benchmark the rule set that ran ({@code linux}), for people
     * @param notes what the scan could not read
     */
    public record Read(String scope, String benchmark, long scannedAt, List<Verdict> verdicts, List<String> notes) {
        public Read {
            verdicts = List.copyOf(verdicts);
            notes = List.copyOf(notes);
        }
    }

    private PostureReader() {}

    /**
     * Reads a section of a batch.
     *
     * @throws IntakeException 400 naming the section, the verdict and the field that is wrong
     */
    public static Read read(Intake.Section section) throws IntakeException {
        JsonNode body = section.body();
        Where where = new Where("posture section " + section.index());
        String scope = text(body, where, "scope", 1, 32);
        if (!SCOPES.contains(scope)) {
            throw where.wrong("scope", "one of " + SCOPES);
        }
        String benchmark = text(body, where, "benchmark", 1, 128);
        JsonNode scanned = body.path("scanned_at");
        if (!scanned.isIntegralNumber() || !scanned.canConvertToLong() || scanned.asLong() < 0) {
            throw where.wrong("scanned_at", "present: milliseconds since 1970 (a non-negative integer)");
        }
        JsonNode list = body.path("results");
        if (!list.isArray()) {
            throw where.wrong("results", "present: an array of verdict objects (empty when no rule applied)");
        }
        if (list.size() > MAX_VERDICTS) {
            throw where.wrong("results", "an array of at most " + MAX_VERDICTS + " verdicts, not " + list.size());
        }
        List<Verdict> verdicts = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Where at = new Where(where.name + ", result " + i);
            JsonNode node = list.get(i);
            if (!node.isObject()) {
                throw where.wrong("results[" + i + "]", "an object");
            }
            Verdict verdict = verdict(node, at);
            Integer first = seen.putIfAbsent(verdict.ruleId() + "\u0000" + verdict.resourceId(), i);
            if (first != null) {
                throw at.wrong("rule_id", "one verdict per rule and resource: result " + first + " has the same pair");
            }
            verdicts.add(verdict);
        }
        List<String> notes = new ArrayList<>();
        JsonNode noteList = body.path("notes");
        if (!noteList.isMissingNode() && !noteList.isNull()) {
            if (!noteList.isArray() || noteList.size() > MAX_NOTES) {
                throw where.wrong("notes", "an array of at most " + MAX_NOTES + " strings");
            }
            for (int i = 0; i < noteList.size(); i++) {
                JsonNode note = noteList.get(i);
                if (!note.isString() || note.asString().length() > MAX_TEXT) {
                    throw where.wrong("notes[" + i + "]", "a string of at most " + MAX_TEXT + " characters");
                }
                notes.add(note.asString());
            }
        }
        return new Read(scope, benchmark, scanned.asLong(), verdicts, notes);
    }

    private static Verdict verdict(JsonNode node, Where at) throws IntakeException {
        String ruleId = text(node, at, "rule_id", 1, 200);
        if (!RULE_ID.matcher(ruleId).matches()) {
            throw at.wrong("rule_id", "letters, digits, '.', '_', ':' and '-'");
        }
        String status = text(node, at, "status", 1, 16);
        if (!STATUSES.contains(status)) {
            throw at.wrong("status", "one of " + STATUSES);
        }
        String severityText = text(node, at, "severity", 1, 16).toUpperCase(Locale.ROOT);
        Severity severity;
        try {
            severity = Severity.valueOf(severityText);
        } catch (IllegalArgumentException e) {
            throw at.wrong("severity", "one of negligible, low, medium, high, critical");
        }
        JsonNode resource = node.path("resource");
        if (!resource.isObject()) {
            throw at.wrong("resource", "present: an object with type, id and name");
        }
        Where in = at.in("resource");
        String type = text(resource, in, "type", 1, 128);
        String id = text(resource, in, "id", 1, 1024);
        String name = text(resource, in, "name", 1, 1024);
        Map<String, String> evidence = new LinkedHashMap<>();
        JsonNode reads = node.path("evidence");
        if (!reads.isMissingNode()) {
            if (!reads.isArray() || reads.size() > MAX_EVIDENCE) {
                throw at.wrong("evidence", "an array of at most " + MAX_EVIDENCE + " {field, value} objects");
            }
            for (int i = 0; i < reads.size(); i++) {
                Where read = at.in("evidence[" + i + "]");
                JsonNode item = reads.get(i);
                if (!item.isObject()) {
                    throw at.wrong("evidence[" + i + "]", "an object with field and value");
                }
                evidence.put(text(item, read, "field", 1, 512), text(item, read, "value", 0, MAX_TEXT));
            }
        }
        List<String> controls = new ArrayList<>();
        JsonNode controlList = node.path("controls");
        if (!controlList.isMissingNode()) {
            if (!controlList.isArray() || controlList.size() > MAX_CONTROLS) {
                throw at.wrong("controls", "an array of at most " + MAX_CONTROLS + " strings");
            }
            for (int i = 0; i < controlList.size(); i++) {
                JsonNode control = controlList.get(i);
                if (!control.isString()
                        || control.asString().isEmpty()
                        || control.asString().length() > 128) {
                    throw at.wrong("controls[" + i + "]", "a string of 1 to 128 characters");
                }
                controls.add(control.asString());
            }
        }
        return new Verdict(
                ruleId,
                text(node, at, "title", 1, 512),
                severity,
                status,
                type,
                id,
                name,
                evidence,
                optional(node, at, "expected"),
                controls,
                optional(node, at, "remediation"),
                optional(node, at, "detail"));
    }

    private static String optional(JsonNode parent, Where at, String name) throws IntakeException {
        JsonNode node = parent.path(name);
        return node.isMissingNode() || node.isNull() ? "" : text(parent, at, name, 0, MAX_TEXT);
    }

    private static String text(JsonNode parent, Where at, String name, int min, int max) throws IntakeException {
        JsonNode node = parent.path(name);
        if (!node.isString()
                || node.asString().length() < min
                || node.asString().length() > max) {
            throw at.wrong(
                    name,
                    (node.isMissingNode() || node.isNull() ? "present: " : "") + "a string of "
                            + (min == 0 ? "at most " + max : min + " to " + max) + " characters");
        }
        return node.asString();
    }

    private record Where(String name) {
        Where in(String field) {
            return new Where(name + ", " + field);
        }

        IntakeException wrong(String field, String expected) {
            return new IntakeException(400, name + ": \"" + field + "\" must be " + expected);
        }
    }
}
