package vigil.model.ocsf;

import static vigil.model.ocsf.OcsfMapper.cast;
import static vigil.model.ocsf.OcsfMapper.map;
import static vigil.model.ocsf.OcsfMapper.optional;
import static vigil.model.ocsf.OcsfMapper.putIfPresent;
import static vigil.model.ocsf.OcsfMapper.require;
import static vigil.model.ocsf.OcsfMapper.string;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import vigil.model.finding.Evidence.ThreatSignal;

/**
 * A threat signal as the Evidence Artifacts object of an OCSF Detection Finding ({@code evidences[0]}): its process,
 * file, connection, container and device, and the rule's further output fields in {@code data}.
 */
final class ThreatOcsf {
    private ThreatOcsf() {}

    static Map<String, Object> evidence(ThreatSignal signal) {
        Map<String, Object> out = new LinkedHashMap<>();
        ThreatSignal.Process process = signal.process();
        if (process != null) {
            Map<String, Object> proc = new LinkedHashMap<>();
            proc.put("pid", process.pid());
            proc.put("name", process.name());
            proc.put("file", Map.of("path", process.executable()));
            proc.put("cmd_line", process.commandLine());
            if (process.user() != null) {
                proc.put("user", Map.of("name", process.user()));
            }
            if (process.parentName() != null) {
                proc.put("parent_process", Map.of("name", process.parentName()));
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
        if (workload.containerId() != null || workload.image() != null) {
            Map<String, Object> container = new LinkedHashMap<>();
            putIfPresent(container, "uid", workload.containerId());
            if (workload.image() != null) {
                container.put("image", Map.of("name", workload.image()));
            }
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

    static ThreatSignal signal(String ruleName, String eventType, Instant at, Map<String, Object> evidence) {
        Map<String, Object> data = map(evidence, "data");
        ThreatSignal.Process process = null;
        if (evidence.get("process") != null) {
            Map<String, Object> proc = map(evidence, "process");
            process = new ThreatSignal.Process(
                    number(proc, "pid").longValue(),
                    string(proc, "name"),
                    string(map(proc, "file"), "path"),
                    string(proc, "cmd_line"),
                    nested(proc, "user", "name"),
                    nested(proc, "parent_process", "name"));
        }
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
                nested(container, "image", "name"));
        Map<String, String> fields = new TreeMap<>();
        map(data, "fields").forEach((key, value) -> fields.put(key, String.valueOf(value)));
        return new ThreatSignal(ruleName, eventType, at, process, file, connection, workload, fields);
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
