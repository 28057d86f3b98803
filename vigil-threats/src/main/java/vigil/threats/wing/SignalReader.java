package vigil.threats.wing;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import vigil.model.Severity;
import vigil.model.finding.Evidence;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

/**
 * Reads one {@code signals} section as docs/threats-signals.md defines it, checking every field: a signal the server
 * cannot read refuses the batch with 400 naming the section, the signal's index and the field. Unknown fields are
 * ignored (a later agent may add some). Untrusted input: fuzzed by SignalReaderFuzzTest.
 */
public final class SignalReader {
    /** Signals of one section. */
    public static final int MAX_SIGNALS = 1_000;
    /** Characters of a path (Linux's PATH_MAX). */
    static final int MAX_PATH = 4_096;
    /** Characters of a command line ({@code args}). */
    static final int MAX_ARGS = 4_096;
    /** Characters of one event field's value, and elements of one that is an array. */
    static final int MAX_VALUE = 4_096;

    static final int MAX_VALUES = 64;
    static final int MAX_HOOKS = 64;
    static final int MAX_LOST_KINDS = 16;

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");
    private static final List<String> RESULTS = List.of("done", "failed", "skipped");

    /** A section read: the sensor's state when it reported one, and its signals in order. */
    public record Read(@Nullable Sensor sensor, List<Signal> signals) {
        public Read {
            signals = List.copyOf(signals);
        }
    }

    private SignalReader() {}

    /**
     * Reads a section of a batch from {@code host} (the name signals' workloads carry).
     *
     * @throws IntakeException 400 naming the section, the signal and the field that is wrong
     */
    public static Read read(Intake.Section section, String host) throws IntakeException {
        JsonNode body = section.body();
        Where where = new Where("signals section " + section.index());
        JsonNode sensorNode = body.path("sensor");
        Sensor sensor = absent(sensorNode) ? null : sensor(object(sensorNode, where, "sensor"), where.in("sensor"));
        JsonNode list = body.path("signals");
        List<Signal> signals = new ArrayList<>();
        if (!absent(list)) {
            if (!list.isArray()) {
                throw where.wrong("signals", "an array of signal objects");
            }
            if (list.size() > MAX_SIGNALS) {
                throw where.wrong(
                        "signals",
                        "an array of at most " + MAX_SIGNALS + " signals, not " + list.size()
                                + "; send them in several sections");
            }
            for (int i = 0; i < list.size(); i++) {
                Where at = new Where(where.name + ", signal " + i);
                signals.add(signal(object(list.get(i), where, "signals[" + i + "]"), at, host));
            }
        }
        return new Read(sensor, signals);
    }

    private static Signal signal(JsonNode node, Where at, String host) throws IntakeException {
        String id = text(node, at, "id", 1, 64);
        if (!ID.matcher(id).matches()) {
            throw at.wrong("id", "1 to 64 letters, digits or . _ : - (a UUID)");
        }
        String ruleId = text(node, at, "rule_id", 1, 256);
        String description = optionalText(node, at, "rule_description", 1024);
        String severityText = text(node, at, "severity", 1, 16);
        Severity severity = switch (severityText) {
            case "critical" -> Severity.CRITICAL;
            case "high" -> Severity.HIGH;
            case "medium" -> Severity.MEDIUM;
            case "low" -> Severity.LOW;
            case "info" -> Severity.NEGLIGIBLE;
            default ->
                throw at.wrong("severity", "one of critical, high, medium, low, info, not '" + severityText + "'");
        };
        String tactic = optionalText(node, at, "mitre_tactic", 64);
        String technique = optionalText(node, at, "mitre_technique", 64);
        Instant time = time(node, at, "time");
        Instant lastTime = absent(node.path("last_time")) ? null : time(node, at, "last_time");
        if (lastTime != null && lastTime.isBefore(time)) {
            throw at.wrong("last_time", "at or after \"time\" (" + time + "), not " + lastTime);
        }
        long count = absent(node.path("count")) ? 1 : whole(node, at, "count", 1, Long.MAX_VALUE);
        String eventType = text(node, at, "event_type", 1, 64);
        Evidence.ThreatSignal.Process process = process(object(node.path("process"), at, "process"), at.in("process"));
        List<Evidence.ThreatSignal.Process> ancestors = new ArrayList<>();
        JsonNode ancestorList = node.path("ancestors");
        if (!absent(ancestorList)) {
            if (!ancestorList.isArray() || ancestorList.size() > Evidence.ThreatSignal.MAX_ANCESTORS) {
                throw at.wrong(
                        "ancestors", "an array of at most " + Evidence.ThreatSignal.MAX_ANCESTORS + " process objects");
            }
            for (int i = 0; i < ancestorList.size(); i++) {
                String name = "ancestors[" + i + "]";
                ancestors.add(process(object(ancestorList.get(i), at, name), at.in(name)));
            }
        }
        Evidence.ThreatSignal.Workload workload = new Evidence.ThreatSignal.Workload(host, null, null, null);
        JsonNode container = node.path("container");
        if (!absent(container)) {
            Where in = at.in("container");
            object(container, at, "container");
            workload = new Evidence.ThreatSignal.Workload(
                    host,
                    text(container, in, "id", 1, 256),
                    optionalText(container, in, "image", 1024),
                    optionalText(container, in, "runtime", 64));
        }
        Evidence.ThreatSignal.FileAccess file = null;
        JsonNode fileNode = node.path("file");
        if (!absent(fileNode)) {
            Where in = at.in("file");
            object(fileNode, at, "file");
            file = new Evidence.ThreatSignal.FileAccess(
                    text(fileNode, in, "path", 1, MAX_PATH), text(fileNode, in, "operation", 1, 64));
        }
        Evidence.ThreatSignal.Connection connection = null;
        JsonNode connectionNode = node.path("connection");
        if (!absent(connectionNode)) {
            Where in = at.in("connection");
            object(connectionNode, at, "connection");
            connection = new Evidence.ThreatSignal.Connection(
                    text(connectionNode, in, "protocol", 1, 32),
                    text(connectionNode, in, "source_address", 1, 128),
                    (int) whole(connectionNode, in, "source_port", 0, 65_535),
                    text(connectionNode, in, "destination_address", 1, 128),
                    (int) whole(connectionNode, in, "destination_port", 0, 65_535));
        }
        Map<String, String> fields = event(object(node.path("event"), at, "event"), at);
        List<Evidence.ThreatSignal.Action> actions = new ArrayList<>();
        JsonNode actionList = node.path("actions");
        if (!absent(actionList)) {
            if (!actionList.isArray() || actionList.size() > Evidence.ThreatSignal.MAX_ACTIONS) {
                throw at.wrong(
                        "actions", "an array of at most " + Evidence.ThreatSignal.MAX_ACTIONS + " action objects");
            }
            for (int i = 0; i < actionList.size(); i++) {
                String name = "actions[" + i + "]";
                JsonNode action = object(actionList.get(i), at, name);
                Where in = at.in(name);
                String result = text(action, in, "result", 1, 16);
                if (!RESULTS.contains(result)) {
                    throw in.wrong("result", "one of " + RESULTS + ", not '" + result + "'");
                }
                actions.add(new Evidence.ThreatSignal.Action(
                        text(action, in, "action", 1, 64), result, optionalText(action, in, "detail", 1024)));
            }
        }
        Evidence.ThreatSignal evidence = new Evidence.ThreatSignal(
                ruleId,
                eventType,
                time,
                process,
                file,
                connection,
                workload,
                fields,
                ancestors,
                count,
                lastTime,
                actions,
                id,
                tactic,
                technique);
        return new Signal(id, ruleId, description, severity, evidence);
    }

    private static Evidence.ThreatSignal.Process process(JsonNode node, Where in) throws IntakeException {
        return new Evidence.ThreatSignal.Process(
                absent(node.path("pid")) ? 0 : whole(node, in, "pid", 0, 0xFFFF_FFFFL),
                // empty too when unknown: a process gone before the fallback sensor read it
                text(node, in, "comm", 0, 256),
                // empty when the executable is unknown: a kernel thread, or a process gone before it was read
                text(node, in, "path", 0, MAX_PATH),
                absent(node.path("args")) ? "" : text(node, in, "args", 0, MAX_ARGS),
                optionalText(node, in, "user", 256),
                null,
                absent(node.path("ppid")) ? null : whole(node, in, "ppid", 0, 0xFFFF_FFFFL),
                absent(node.path("uid")) ? null : whole(node, in, "uid", 0, 0xFFFF_FFFFL),
                absent(node.path("gid")) ? null : whole(node, in, "gid", 0, 0xFFFF_FFFFL),
                optionalText(node, in, "group", 256));
    }

    /** The event's SECL fields as text: strings as they are, numbers and booleans as JSON, arrays as JSON arrays. */
    private static Map<String, String> event(JsonNode event, Where at) throws IntakeException {
        if (event.size() > Evidence.ThreatSignal.MAX_FIELDS) {
            throw at.wrong(
                    "event",
                    "an object of at most " + Evidence.ThreatSignal.MAX_FIELDS + " fields, not " + event.size());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : event.properties()) {
            String name = field.getKey();
            String shown = "event." + clip(name);
            if (name.isEmpty() || name.length() > 128) {
                throw at.wrong(shown, "a field name of 1 to 128 characters");
            }
            JsonNode value = field.getValue();
            if (value.isArray()) {
                if (value.size() > MAX_VALUES) {
                    throw at.wrong(shown, "an array of at most " + MAX_VALUES + " values");
                }
                for (JsonNode element : value) {
                    scalar(element, at, shown + "[]");
                }
                fields.put(name, value.toString());
            } else {
                fields.put(name, scalar(value, at, shown));
            }
        }
        return fields;
    }

    private static String scalar(JsonNode value, Where at, String name) throws IntakeException {
        if (value.isString()) {
            if (value.asString().length() > MAX_VALUE) {
                throw at.wrong(name, "a string of at most " + MAX_VALUE + " characters");
            }
            return value.asString();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.toString();
        }
        throw at.wrong(name, "a string, number, boolean or an array of those");
    }

    private static Sensor sensor(JsonNode node, Where in) throws IntakeException {
        String state = text(node, in, "state", 1, 16);
        if (!Sensor.STATES.contains(state)) {
            throw in.wrong("state", "one of " + Sensor.STATES + ", not '" + state + "'");
        }
        List<String> hooks = new ArrayList<>();
        JsonNode hookList = node.path("hooks");
        if (!absent(hookList)) {
            if (!hookList.isArray() || hookList.size() > MAX_HOOKS) {
                throw in.wrong("hooks", "an array of at most " + MAX_HOOKS + " strings");
            }
            for (int i = 0; i < hookList.size(); i++) {
                JsonNode hook = hookList.get(i);
                if (!hook.isString()
                        || hook.asString().isEmpty()
                        || hook.asString().length() > 256) {
                    throw in.wrong("hooks[" + i + "]", "a string of 1 to 256 characters");
                }
                hooks.add(hook.asString());
            }
        }
        SortedMap<String, Long> lost = new TreeMap<>();
        JsonNode lostNode = node.path("lost");
        if (!absent(lostNode)) {
            if (!lostNode.isObject() || lostNode.size() > MAX_LOST_KINDS) {
                throw in.wrong("lost", "an object of at most " + MAX_LOST_KINDS + " kinds to counts");
            }
            for (Map.Entry<String, JsonNode> kind : lostNode.properties()) {
                if (kind.getKey().isEmpty() || kind.getKey().length() > 32) {
                    throw in.wrong("lost", "an object whose kinds have 1 to 32 characters");
                }
                lost.put(kind.getKey(), whole(lostNode, in.in("lost"), kind.getKey(), 0, Long.MAX_VALUE));
            }
        }
        return new Sensor(
                state,
                optionalText(node, in, "reason", 1024),
                text(node, in, "source", 1, 32),
                hooks,
                absent(node.path("since")) ? null : time(node, in, "since"),
                counter(node, in, "events"),
                lost,
                counter(node, in, "approver_drops"),
                counter(node, in, "suppressed"));
    }

    private static long counter(JsonNode node, Where in, String name) throws IntakeException {
        return absent(node.path(name)) ? 0 : whole(node, in, name, 0, Long.MAX_VALUE);
    }

    private static boolean absent(JsonNode node) {
        return node.isMissingNode() || node.isNull();
    }

    private static JsonNode object(JsonNode node, Where at, String name) throws IntakeException {
        if (!node.isObject()) {
            throw at.wrong(name, absent(node) ? "present (an object)" : "an object");
        }
        return node;
    }

    private static String text(JsonNode parent, Where at, String name, int min, int max) throws IntakeException {
        JsonNode node = parent.path(name);
        if (!node.isString()
                || node.asString().length() < min
                || node.asString().length() > max) {
            throw at.wrong(
                    name,
                    (absent(node) ? "present: " : "") + "a string of "
                            + (min == 0 ? "at most " + max : min + " to " + max) + " characters");
        }
        return node.asString();
    }

    private static @Nullable String optionalText(JsonNode parent, Where at, String name, int max)
            throws IntakeException {
        return absent(parent.path(name)) ? null : text(parent, at, name, 0, max);
    }

    private static long whole(JsonNode parent, Where at, String name, long min, long max) throws IntakeException {
        JsonNode node = parent.path(name);
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw at.wrong(name, (absent(node) ? "present: " : "") + "a whole number from " + min + " to " + max);
        }
        return node.asLong();
    }

    private static Instant time(JsonNode parent, Where at, String name) throws IntakeException {
        String text = text(parent, at, name, 1, 64);
        try {
            return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw at.wrong(name, "an RFC 3339 time such as 2026-12-07T12:00:01.123456789Z, not '" + clip(text) + "'");
        }
    }

    private static String clip(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }

    /** Where a value is, for the message: "signals section 2, signal 14" and the path inside it. */
    private record Where(String name) {
        Where in(String field) {
            return new Where(name + ", " + field);
        }

        IntakeException wrong(String field, String expected) {
            return new IntakeException(400, name + ": \"" + field + "\" must be " + expected);
        }
    }
}
