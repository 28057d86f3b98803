package vigil.agent.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.InventoryScanner;
import vigil.inventory.PackageCataloger;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.os.OsDetector;
import vigil.model.Inventory;
import vigil.model.ProgressListener;
import vigil.model.Target;
import vigil.model.batch.SectionType;

/**
 * The agent's first collector: the host's installed packages, read from its root filesystem. A later inventory
 * supersedes an earlier one, so its batches may be dropped when the spool is full.
 */
public final class HostInventoryCollector implements Collector {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root;
    private final List<PackageCataloger> catalogers;
    private final Clock clock;
    private final Function<Inventory, ObjectNode> sbom;

    /**
     * @param sbom writes an inventory as the CycloneDX document a batch carries
     */
    public HostInventoryCollector(
            Path root, List<PackageCataloger> catalogers, Clock clock, Function<Inventory, ObjectNode> sbom) {
        this.root = root;
        this.catalogers = List.copyOf(catalogers);
        this.clock = clock;
        this.sbom = sbom;
    }

    @Override
    public SectionType section() {
        return SectionType.INVENTORY;
    }

    @Override
    public SpoolPolicy policy() {
        return SpoolPolicy.SUPERSEDE;
    }

    @Override
    public List<ObjectNode> collect() throws IOException {
        ObjectNode section = JSON.createObjectNode();
        section.set("cyclonedx", sbom.apply(inventory()));
        return List.of(section);
    }

    /** The host's inventory as scanned now. */
    public Inventory inventory() throws IOException {
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "host " + root)) {
            return new InventoryScanner(OsDetector::detect, catalogers, clock)
                    .scan(fs, new Target(Target.Kind.HOST, root.toString(), null), ProgressListener.NONE);
        }
    }
}
