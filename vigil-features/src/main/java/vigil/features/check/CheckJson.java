package vigil.features.check;

import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON shape of facts and capability answers: printed by {@code vigil agent check}, sent to the server. */
public final class CheckJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CheckJson() {}

    /** {@code {"facts": {...}, "capabilities": [...]}}, as `vigil agent check --format json` prints it. */
    public static ObjectNode report(Facts facts, List<CapabilityStatus> statuses) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode f = root.putObject("facts");
        f.put("deployment", facts.deployment().id());
        f.put("deploymentName", facts.deployment().displayName());
        ArrayNode signals = f.putArray("deploymentSignals");
        facts.deploymentSignals().forEach(signals::add);
        if (facts.os() != null) {
            ObjectNode os = f.putObject("os");
            os.put("family", facts.os().family().id());
            os.put("version", facts.os().version());
            os.put("name", facts.os().prettyName());
        } else {
            f.putNull("os");
        }
        f.put("kernel", facts.kernelRelease());
        f.put("architecture", facts.architecture());
        f.put("agentVersion", facts.agentVersion());
        f.put("helmChartVersion", facts.helmChartVersion());
        f.put("btf", facts.btf());
        ArrayNode runtimes = f.putArray("containerRuntimes");
        for (ContainerRuntime runtime : facts.runtimes()) {
            ObjectNode r = runtimes.addObject();
            r.put("name", runtime.name());
            r.put("version", runtime.version());
            r.put("endpoint", runtime.endpoint());
        }
        ArrayNode capabilities = root.putArray("capabilities");
        for (CapabilityStatus status : statuses) {
            ObjectNode c = capabilities.addObject();
            c.put("id", status.capability().id());
            c.put("name", status.capability().displayName());
            c.put("state", status.state().name().toLowerCase(Locale.ROOT));
            c.put("availability", status.availability().name());
            ArrayNode unmet = c.putArray("unmet");
            status.unmet().forEach(unmet::add);
            ArrayNode notes = c.putArray("notes");
            status.notes().forEach(notes::add);
            ArrayNode offered = c.putArray("offeredOn");
            status.offeredOn().forEach(type -> offered.add(type.id()));
        }
        return root;
    }
}
