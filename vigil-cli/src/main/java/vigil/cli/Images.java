package vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import vigil.inventory.InventoryScanner;
import vigil.inventory.image.ImageLimits;
import vigil.inventory.image.ImageOpener;
import vigil.inventory.image.ImageRootFs;
import vigil.model.Inventory;
import vigil.model.ProgressListener;
import vigil.model.Target;

/** Inventories of container images. */
final class Images {
    private Images() {}

    static Inventory inventory(TargetSpec.Image spec, Clock clock, ProgressListener progress) throws IOException {
        List<String> interesting = Inventories.interestingPaths();
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        try (ImageRootFs root = ImageOpener.open(
                spec.path(),
                path -> InventoryScanner.isInteresting(path, interesting),
                spec.platform(),
                ImageLimits.defaults(),
                progress,
                temporary)) {
            String name = root.metadata().repoTags().isEmpty()
                    ? spec.path().toString()
                    : root.metadata().repoTags().getFirst() + " (" + spec.path() + ")";
            Inventory inventory = Inventories.scanner(clock)
                    .scan(
                            root,
                            new Target(Target.Kind.IMAGE, name, root.metadata().configDigest()),
                            progress);
            if (root.warnings().isEmpty()) {
                return inventory;
            }
            List<String> warnings = new ArrayList<>(root.warnings());
            warnings.addAll(inventory.warnings());
            return new Inventory(
                    inventory.target(),
                    inventory.os(),
                    inventory.osSupport(),
                    inventory.packages(),
                    warnings,
                    inventory.createdAt());
        }
    }
}
