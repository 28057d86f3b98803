package vigil.agent.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.collect.Collector;
import vigil.agent.collect.HostInventoryCollector;
import vigil.agent.facts.FactCollector;
import vigil.features.check.CapabilityCheck;
import vigil.features.check.CapabilityStatus;
import vigil.features.check.CheckJson;
import vigil.features.check.Facts;
import vigil.features.matrix.Capability;
import vigil.features.matrix.FeatureMatrix;
import vigil.inventory.PackageCataloger;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.model.batch.Source;

/**
 * Makes an agent's batches: the facts, the capability check, the host's inventory when Vulnerabilities is enabled
 * here and asked for, and any other inventories (images or root filesystems scanned on request by {@code vigil scan
 * --send-to}), as the gzip JSON the intake takes, under this agent's stable id.
 */
public final class BatchMaker {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dataDirectory;
    private final FactCollector collector;
    private final FeatureMatrix matrix;
    private final List<PackageCataloger> catalogers;
    private final Clock clock;

    public BatchMaker(
            Path dataDirectory,
            FactCollector collector,
            FeatureMatrix matrix,
            List<PackageCataloger> catalogers,
            Clock clock) {
        this.dataDirectory = dataDirectory;
        this.collector = collector;
        this.matrix = matrix;
        this.catalogers = List.copyOf(catalogers);
        this.clock = clock;
    }

    /**
     * A batch ready to spool or send.
     *
     * @param packages the host inventory's packages; 0 without one
     */
    public record Batch(String batchId, byte[] gzipped, boolean hostInventory, int packages) {}

    /** A batch without a spool's status: {@code vigil scan --send-to} sends it straight away. */
    public Batch make(boolean withHostInventory, List<Inventory> others) throws IOException {
        return make(withHostInventory, others, null);
    }

    /**
     * A batch; with {@code spool}, it carries {@code agent.spool = {pending, pendingBytes, dropped, droppedBytes}} so
     * the server hears what this agent could not deliver.
     */
    public Batch make(boolean withHostInventory, List<Inventory> others, Spool.@Nullable Status spool)
            throws IOException {
        Facts facts = collector.collect();
        List<CapabilityStatus> statuses = new CapabilityCheck(matrix).evaluate(facts);
        boolean vulnerabilities = statuses.stream()
                .anyMatch(s ->
                        s.capability() == Capability.VULNERABILITIES && s.state() == CapabilityStatus.State.ENABLED);
        Inventory inventory = null;
        if (withHostInventory && vulnerabilities) {
            inventory = inventory(facts.agentVersion());
        }
        String batchId = UUID.randomUUID().toString();
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("createdAt", clock.instant().toString());
        agent(batch, facts, statuses, spool);
        var inventories = batch.putArray("inventories");
        if (inventory != null) {
            inventories.add(sbom(inventory, facts.agentVersion()));
        }
        for (Inventory other : others) {
            inventories.add(sbom(other, facts.agentVersion()));
        }
        return new Batch(
                batchId,
                gzip(JSON.writeValueAsBytes(batch)),
                inventory != null,
                inventory == null ? 0 : inventory.packages().size());
    }

    /**
     * A version 2 batch (ADR 0031) of one collector's sections: {@code source} is this agent, the agent object as in
     * every batch, and {@code sections} the collector's, each with its type. Inventories still travel as version 1
     * ({@link #make}), which servers from before the envelope read too.
     */
    public Batch make(Collector sectionCollector, Spool.@Nullable Status spool) throws IOException {
        Facts facts = collector.collect();
        List<CapabilityStatus> statuses = new CapabilityCheck(matrix).evaluate(facts);
        List<ObjectNode> sections = sectionCollector.collect();
        String batchId = UUID.randomUUID().toString();
        if (sections.isEmpty()) {
            return new Batch(batchId, new byte[0], false, 0); // nothing new: nothing to spool
        }
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("createdAt", clock.instant().toString());
        batch.putObject("source").put("kind", Source.Kind.AGENT.wire()).put("id", agentId());
        agent(batch, facts, statuses, spool);
        var array = batch.putArray("sections");
        for (ObjectNode section : sections) {
            ObjectNode typed = array.addObject();
            typed.put("type", sectionCollector.section().wire());
            typed.setAll(section);
        }
        return new Batch(batchId, gzip(JSON.writeValueAsBytes(batch)), false, 0);
    }

    /** The agent object every batch carries: identity, facts, capability answers and the spool's status. */
    private void agent(ObjectNode batch, Facts facts, List<CapabilityStatus> statuses, Spool.@Nullable Status spool)
            throws IOException {
        ObjectNode agent = batch.putObject("agent");
        agent.put("id", agentId());
        agent.put("hostname", hostname());
        agent.put("version", facts.agentVersion());
        agent.put("deployment", facts.deployment().id());
        ObjectNode report = CheckJson.report(facts, statuses);
        agent.set("facts", report.get("facts"));
        agent.set("capabilities", report.get("capabilities"));
        if (spool != null) {
            ObjectNode state = agent.putObject("spool");
            state.put("pending", spool.pending());
            state.put("pendingBytes", spool.pendingBytes());
            state.put("dropped", spool.dropped());
            state.put("droppedBytes", spool.droppedBytes());
            if (!spool.droppedSections().isEmpty()) {
                ObjectNode sections = state.putObject("droppedSections");
                spool.droppedSections().forEach(sections::put);
            }
        }
    }

    /**
     * The inventory as CycloneDX, with the scan's warnings as {@code vigil:warning} metadata properties: only as
     * {@link UploadedWarnings} lets them leave the machine (the file and the problem, never the text of a file).
     */
    private static ObjectNode sbom(Inventory inventory, String agentVersion) {
        ObjectNode bom = CycloneDx.tree(inventory, List.of(), agentVersion, UUID.randomUUID());
        List<String> warnings = UploadedWarnings.of(inventory.warnings());
        if (!warnings.isEmpty()) {
            ObjectNode metadata = (ObjectNode) bom.get("metadata");
            var properties = metadata.putArray("properties");
            for (String warning : warnings) {
                ObjectNode property = properties.addObject();
                property.put("name", "vigil:warning");
                property.put("value", warning);
            }
        }
        return bom;
    }

    /** The host's inventory, read by the agent's first collector. */
    private Inventory inventory(String agentVersion) throws IOException {
        return new HostInventoryCollector(
                        collector.hostRoot(), catalogers, clock, inventory -> sbom(inventory, agentVersion))
                .inventory();
    }

    /** A stable id for this agent, made on first run and kept in the data directory. */
    private String agentId() throws IOException {
        Path file = dataDirectory.resolve("agent-id");
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file).strip();
            if (id.matches("^[A-Za-z0-9._:-]{8,64}$")) {
                return id;
            }
        }
        Files.createDirectories(dataDirectory);
        String id = UUID.randomUUID().toString();
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    private static String hostname() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
