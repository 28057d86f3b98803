package vigil.threats.sensor.signal;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Signals and the sensor's status as the {@code signals} section writes them ({@code docs/threats-signals.md}). */
public final class SignalJson {
    /** The most signals one section carries. */
    public static final int MAX_PER_SECTION = 1_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SignalJson() {}

    /** One {@code signals} section (without its {@code type}, which the batch maker adds). */
    public static ObjectNode section(SensorStatus status, List<Signal> signals) {
        if (signals.size() > MAX_PER_SECTION) {
            throw new IllegalArgumentException(
                    "a section carries at most " + MAX_PER_SECTION + " signals, not " + signals.size());
        }
        ObjectNode section = JSON.createObjectNode();
        section.set("sensor", status(status));
        ArrayNode array = section.putArray("signals");
        for (Signal signal : signals) {
            array.add(signal(signal));
        }
        return section;
    }

    public static ObjectNode status(SensorStatus status) {
        ObjectNode out = JSON.createObjectNode();
        out.put("state", status.state().wire());
        out.put("reason", status.reason());
        out.put("source", status.source());
        ArrayNode hooks = out.putArray("hooks");
        status.hooks().forEach(hooks::add);
        out.put("since", status.since().toString());
        out.put("events", status.events());
        ObjectNode lost = out.putObject("lost");
        status.lost().forEach(lost::put);
        out.put("approver_drops", status.approverDrops());
        out.put("suppressed", status.suppressed());
        return out;
    }

    public static ObjectNode signal(Signal signal) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", signal.id());
        out.put("rule_id", signal.ruleId());
        if (!signal.description().isEmpty()) {
            out.put("rule_description", signal.description());
        }
        out.put("severity", signal.severity());
        putIfPresent(out, "mitre_tactic", signal.tactic());
        putIfPresent(out, "mitre_technique", signal.technique());
        out.put("time", signal.time().toString());
        out.put("last_time", signal.lastTime().toString());
        out.put("count", signal.count());
        out.put("event_type", signal.eventType());
        out.set("process", process(signal.process()));
        ArrayNode ancestors = out.putArray("ancestors");
        signal.ancestors().forEach(a -> ancestors.add(process(a)));
        Signal.Container container = signal.container();
        if (container != null) {
            ObjectNode c = out.putObject("container");
            c.put("id", container.id());
            c.put("runtime", container.runtime());
            putIfPresent(c, "image", container.image());
        }
        Signal.FileTouch file = signal.file();
        if (file != null) {
            ObjectNode f = out.putObject("file");
            f.put("path", file.path());
            f.put("operation", file.operation());
        }
        Signal.Connection connection = signal.connection();
        if (connection != null) {
            ObjectNode c = out.putObject("connection");
            c.put("protocol", connection.protocol());
            c.put("source_address", connection.sourceAddress());
            c.put("source_port", connection.sourcePort());
            c.put("destination_address", connection.destinationAddress());
            c.put("destination_port", connection.destinationPort());
        }
        ObjectNode event = out.putObject("event");
        for (Map.Entry<String, Object> field : signal.event().entrySet()) {
            if (field.getValue() instanceof List<?> list) {
                ArrayNode values = event.putArray(field.getKey());
                for (Object item : list) {
                    switch (item) {
                        case Long number -> values.add(number);
                        case Boolean bool -> values.add(bool);
                        default -> values.add(String.valueOf(item));
                    }
                }
            } else {
                switch (field.getValue()) {
                    case Long number -> event.put(field.getKey(), number);
                    case Boolean bool -> event.put(field.getKey(), bool);
                    default -> event.put(field.getKey(), String.valueOf(field.getValue()));
                }
            }
        }
        ArrayNode actions = out.putArray("actions");
        for (Signal.ActionResult action : signal.actions()) {
            ObjectNode a = actions.addObject();
            a.put("action", action.action());
            a.put("result", action.result());
            a.put("detail", action.detail());
        }
        return out;
    }

    private static ObjectNode process(Signal.Proc process) {
        ObjectNode out = JSON.createObjectNode();
        out.put("pid", process.pid());
        out.put("ppid", process.ppid());
        out.put("path", process.path());
        out.put("comm", process.comm());
        out.put("args", process.args());
        out.put("uid", process.uid());
        putIfPresent(out, "user", process.user());
        out.put("gid", process.gid());
        putIfPresent(out, "group", process.group());
        return out;
    }

    private static void putIfPresent(ObjectNode out, String name, @Nullable String value) {
        if (value != null) {
            out.put(name, value);
        }
    }
}
