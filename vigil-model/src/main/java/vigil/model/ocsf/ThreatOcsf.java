package vigil.model.ocsf;

import static vigil.model.ocsf.OcsfMapper.cast;
import static vigil.model.ocsf.OcsfMapper.list;
import static vigil.model.ocsf.OcsfMapper.map;
import static vigil.model.ocsf.OcsfMapper.optional;
import static vigil.model.ocsf.OcsfMapper.putIfPresent;
import static vigil.model.ocsf.OcsfMapper.require;
import static vigil.model.ocsf.OcsfMapper.string;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.model.finding.Evidence.ThreatSignal;

/**
 * A threat signal in an OCSF Detection Finding: its process (with its ancestors as {@code lineage} and the parent as
 * {@code parent_process}), file, connection, container and device as the Evidence Artifacts object
 * ({@code evidences[0]}), the rule's further output fields in its {@code data}; the MITRE tactic and technique as
 * {@code finding_info.attacks}, the number of events folded into it as {@code count} (ADR 0046). What OCSF has no place
 * for (the ancestors' details, the actions, the signal's id and last event's exact time) travels in {@code unmapped}.
 */
final class ThreatOcsf {
    private ThreatOcsf() {}

    static Map<String, Object> evidence(ThreatSignal signal) {
        Map<String, Object> out = new LinkedHashMap<>();
        ThreatSignal.Process process = signal.process();
        if (process != null) {
            Map<String, Object> proc = process(process);
            if (!signal.ancestors().isEmpty()) {
                proc.put(
                        "lineage",
                        signal.ancestors().stream()
                                .map(ThreatSignal.Process::executable)
                                .toList());
            }
            out.put("process", proc);
        }
        if (signal.file() != null) {
            out.put("file", Map.of("path", signal.file().path()));
        }
        ThreatSignal.Connection connection = signal.connection();
        if (connection != null) {
            out.put("connection_info", Map.of("protocol_name", connection.protocol()));
            out.put("src_endpoint", Map.of("ip", connection.sourceAddress(), "port", connection.sourcePort()));
            out.put(
                    "dst_endpoint",
                    Map.of("ip", connection.destinationAddress(), "port", connection.destinationPort()));
        }
        ThreatSignal.Workload workload = signal.workload();
        out.put("device", Map.of("hostname", workload.host()));
        if (workload.containerId() != null || workload.image() != null || workload.containerRuntime() != null) {
            Map<String, Object> container = new LinkedHashMap<>();
            putIfPresent(container, "uid", workload.containerId());
            if (workload.image() != null) {
                container.put("image", Map.of("name", workload.image()));
            }
            putIfPresent(container, "runtime", workload.containerRuntime());
            out.put("container", container);
        }
        Map<String, Object> data = new TreeMap<>();
        if (signal.file() != null) {
            data.put("file_operation", signal.file().operation());
        }
        data.put("fields", new TreeMap<>(signal.fields()));
        out.put("data", data);
        return out;
    }

    /** OCSF's MITRE ATT&CK objects for {@code finding_info.attacks}: empty when the rule names neither. */
    static List<Map<String, Object>> attacks(ThreatSignal signal) {
        if (signal.mitreTactic() == null && signal.mitreTechnique() == null) {
            return List.of();
        }
        Map<String, Object> attack = new LinkedHashMap<>();
        if (signal.mitreTactic() != null) {
            attack.put("tactic", Map.of("uid", signal.mitreTactic()));
        }
        if (signal.mitreTechnique() != null) {
            attack.put("technique", Map.of("uid", signal.mitreTechnique()));
        }
        return List.of(attack);
    }

    /** What OCSF has no attribute for, kept in {@code unmapped.evidence} so the mapping stays lossless. */
    static void unmapped(ThreatSignal signal, Map<String, Object> rest) {
        if (!signal.ancestors().isEmpty()) {
            rest.put(
                    "ancestors",
                    signal.ancestors().stream().map(ThreatOcsf::process).toList());
        }
        if (signal.lastTime() != null) {
            rest.put("last_time", signal.lastTime().toString());
        }
        if (!signal.actions().isEmpty()) {
            List<Map<String, Object>> actions = new ArrayList<>();
            for (ThreatSignal.Action action : signal.actions()) {
                Map<String, Object> one = new TreeMap<>();
                one.put("action", action.action());
                one.put("result", action.result());
                putIfPresent(one, "detail", action.detail());
                actions.add(one);
            }
            rest.put("actions", actions);
        }
        putIfPresent(rest, "signal_id", signal.signalId());
    }

    private static Map<String, Object> process(ThreatSignal.Process process) {
        Map<String, Object> proc = new LinkedHashMap<>();
        proc.put("pid", process.pid());
        proc.put("name", process.name());
        proc.put("file", Map.of("path", process.executable()));
        proc.put("cmd_line", process.commandLine());
        Map<String, Object> user = new LinkedHashMap<>();
        putIfPresent(user, "name", process.user());
        if (process.uid() != null) {
            user.put("uid", String.valueOf(process.uid()));
        }
        if (process.gid() != null || process.group() != null) {
            Map<String, Object> group = new LinkedHashMap<>();
            putIfPresent(group, "name", process.group());
            if (process.gid() != null) {
                group.put("uid", String.valueOf(process.gid()));
            }
            user.put("groups", List.of(group));
        }
        if (!user.isEmpty()) {
            proc.put("user", user);
        }
        if (process.parentName() != null || process.ppid() != null) {
            Map<String, Object> parent = new LinkedHashMap<>();
            putIfPresent(parent, "name", process.parentName());
            if (process.ppid() != null) {
                parent.put("pid", process.ppid());
            }
            proc.put("parent_process", parent);
        }
        return proc;
    }

    private static ThreatSignal.Process process(Map<String, Object> proc) {
        Map<String, Object> user = proc.get("user") == null ? Map.of() : map(proc, "user");
        Map<String, Object> group = user.get("groups") == null
                ? Map.of()
                : cast(list(user, "groups").getFirst());
        Map<String, Object> parent = proc.get("parent_process") == null ? Map.of() : map(proc, "parent_process");
        return new ThreatSignal.Process(
                number(proc, "pid").longValue(),
                string(proc, "name"),
                string(map(proc, "file"), "path"),
                string(proc, "cmd_line"),
                optional(user, "name"),
                optional(parent, "name"),
                parent.get("pid") == null ? null : number(parent, "pid").longValue(),
                wholeOrNull(optional(user, "uid")),
                wholeOrNull(optional(group, "uid")),
                optional(group, "name"));
    }

    static ThreatSignal signal(
            String ruleName,
            String eventType,
            Instant at,
            Map<String, Object> evidence,
            Map<String, Object> event,
            Map<String, Object> rest) {
        Map<String, Object> data = map(evidence, "data");
        ThreatSignal.Process process = evidence.get("process") == null ? null : process(map(evidence, "process"));
        ThreatSignal.FileAccess file = evidence.get("file") == null
                ? null
                : new ThreatSignal.FileAccess(string(map(evidence, "file"), "path"), string(data, "file_operation"));
        ThreatSignal.Connection connection = null;
        if (evidence.get("connection_info") != null) {
            Map<String, Object> source = map(evidence, "src_endpoint");
            Map<String, Object> destination = map(evidence, "dst_endpoint");
            connection = new ThreatSignal.Connection(
                    string(map(evidence, "connection_info"), "protocol_name"),
                    string(source, "ip"),
                    number(source, "port").intValue(),
                    string(destination, "ip"),
                    number(destination, "port").intValue());
        }
        Map<String, Object> container = evidence.get("container") == null ? Map.of() : map(evidence, "container");
        ThreatSignal.Workload workload = new ThreatSignal.Workload(
                string(map(evidence, "device"), "hostname"),
                optional(container, "uid"),
                nested(container, "image", "name"),
                optional(container, "runtime"));
        Map<String, String> fields = new TreeMap<>();
        map(data, "fields").forEach((key, value) -> fields.put(key, String.valueOf(value)));
        List<ThreatSignal.Process> ancestors = new ArrayList<>();
        if (rest.get("ancestors") != null) {
            for (Object ancestor : list(rest, "ancestors")) {
                ancestors.add(process(cast(ancestor)));
            }
        }
        List<ThreatSignal.Action> actions = new ArrayList<>();
        if (rest.get("actions") != null) {
            for (Object action : list(rest, "actions")) {
                Map<String, Object> one = cast(action);
                actions.add(
                        new ThreatSignal.Action(string(one, "action"), string(one, "result"), optional(one, "detail")));
            }
        }
        Map<String, Object> info = map(event, "finding_info");
        Map<String, Object> attack =
                info.get("attacks") == null || list(info, "attacks").isEmpty()
                        ? Map.of()
                        : cast(list(info, "attacks").getFirst());
        String lastTime = optional(rest, "last_time");
        return new ThreatSignal(
                ruleName,
                eventType,
                at,
                process,
                file,
                connection,
                workload,
                fields,
                ancestors,
                event.get("count") == null ? 1 : number(event, "count").longValue(),
                lastTime == null ? null : Instant.parse(lastTime),
                actions,
                optional(rest, "signal_id"),
                nested(attack, "tactic", "uid"),
                nested(attack, "technique", "uid"));
    }

    private static @Nullable Long wholeOrNull(@Nullable String text) {
        return text == null ? null : Long.parseLong(text);
    }

    private static Number number(Map<String, Object> map, String key) {
        if (!(require(map, key) instanceof Number number)) {
            throw new IllegalArgumentException("OCSF attribute '" + key + "' is not a number");
        }
        return number;
    }

    private static @Nullable String nested(Map<String, Object> map, String object, String key) {
        Object inner = map.get(object);
        return inner == null ? null : optional(cast(inner), key);
    }
}
