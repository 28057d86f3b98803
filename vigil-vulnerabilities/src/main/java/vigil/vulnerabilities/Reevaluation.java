package vigil.vulnerabilities;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.model.finding.Resource;

/**
 * Matches every kept inventory again when the advisory database changes, so a new advisory reaches every known host
 * and image without a rescan. One transaction per inventory: a stop between two loses nothing but the rest of the
 * round, which the next round does again.
 */
final class Reevaluation {
    private final Jdbi jdbi;
    private final InventoryStore inventories;
    private final InventoryMatcher matcher;
    private final InventorySection section;

    Reevaluation(Jdbi jdbi, InventoryStore inventories, InventoryMatcher matcher, InventorySection section) {
        this.jdbi = jdbi;
        this.inventories = inventories;
        this.matcher = matcher;
        this.section = section;
    }

    /** Matches every kept inventory of every organization again; the findings stored. */
    int all() {
        int total = 0;
        for (InventoryStore.Kept kept : inventories.all()) {
            Inventory parsed;
            try {
                parsed = CycloneDx.read(
                        new ByteArrayInputStream(kept.sbom().getBytes(StandardCharsets.UTF_8)),
                        "stored inventory of " + kept.resourceId(),
                        true);
            } catch (IOException e) {
                continue; // unreadable rows were accepted by an older server; they are replaced on the next scan
            }
            Resource resource = new Resource(kept.type(), kept.resourceId(), kept.name(), null, null, null, Map.of());
            InventoryMatcher.Found found = matcher.match(resource, parsed);
            total += jdbi.inTransaction(handle -> {
                InventoryStore.rescanned(handle, kept.orgId(), kept.resourceId(), found.state());
                return section.replace(handle, kept.orgId(), resource, found.findings());
            });
        }
        return total;
    }
}
