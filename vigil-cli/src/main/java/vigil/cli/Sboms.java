package vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;

/** Inventories read from existing SBOMs. */
final class Sboms {
    private Sboms() {}

    static Inventory read(Path file) throws IOException {
        return CycloneDx.read(file);
    }
}
