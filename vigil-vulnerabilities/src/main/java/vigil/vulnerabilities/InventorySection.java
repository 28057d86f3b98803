package vigil.vulnerabilities;

import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jspecify.annotations.Nullable;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.Inventory;
import vigil.model.finding.Category;
import vigil.model.finding.Finding;
import vigil.model.finding.Resource;
import vigil.server.findings.FindingWriter;
import vigil.server.intake.Intake;
import vigil.server.notify.Notifications;
import vigil.server.wing.SectionHandler;

/**
 * The batch section {@code inventories}: each inventory is matched outside the batch's transaction, then kept as its
 * resource's latest and its vulnerability findings replaced inside it. An inventory that could not be checked keeps
 * what was known (an uncovered scan never resolves findings, ADR 0003).
 */
final class InventorySection implements SectionHandler {
    private final InventoryMatcher matcher;
    private final FindingWriter findings;
    private final Notifications notifications;
    private final Clock clock;

    InventorySection(InventoryMatcher matcher, FindingWriter findings, Notifications notifications, Clock clock) {
        this.matcher = matcher;
        this.findings = findings;
        this.notifications = notifications;
        this.clock = clock;
    }

    @Override
    public String section() {
        return Intake.INVENTORIES;
    }

    @Override
    public boolean present(Intake.ParsedBatch batch) {
        return !batch.inventories().isEmpty();
    }

    /** An inventory matched and ready to keep: its resource, its CycloneDX text and what matching found. */
    private record Matched(Resource resource, Inventory inventory, String sbom, InventoryMatcher.Found found) {}

    @Override
    public Prepared prepare(Intake.ParsedBatch batch) {
        List<Matched> matched = new ArrayList<>();
        for (Inventory inventory : batch.inventories()) {
            Resource resource = InventoryMatcher.resourceOf(inventory, batch.agentId(), batch.hostname());
            StringWriter sbom = new StringWriter();
            CycloneDx.write(inventory, List.of(), "vigil-server", sbom);
            matched.add(new Matched(resource, inventory, sbom.toString(), matcher.match(resource, inventory)));
        }
        return (handle, orgId) -> {
            int total = 0;
            for (Matched inventory : matched) {
                total += keep(handle, orgId, batch.agentId(), inventory);
            }
            return total;
        };
    }

    private int keep(Handle handle, String orgId, String agentId, Matched matched) {
        InventoryMatcher.Found found = matched.found();
        if (!matcher.current(found.database())) {
            // the advisory database was replaced since the batch was matched: matched again, so that a batch stored
            // after the re-evaluation of every inventory began never keeps what the old database said
            found = matcher.match(matched.resource(), matched.inventory());
        }
        InventoryStore.keep(
                handle,
                orgId,
                matched.resource(),
                agentId,
                matched.inventory(),
                matched.sbom(),
                found.state(),
                clock.millis());
        return replace(handle, orgId, matched.resource(), found.findings());
    }

    /** Replaces the resource's vulnerability findings and enqueues their changes; null (not scanned) keeps them. */
    int replace(Handle handle, String orgId, Resource resource, @Nullable List<Finding> found) {
        if (found == null) {
            return 0; // not scanned (no database, the OS or its ecosystem not covered): what was known stays
        }
        FindingWriter.Outcome outcome =
                findings.replaceScan(handle, orgId, resource.id(), Category.VULNERABILITY, found);
        notifications.enqueue(handle, orgId, outcome.raised(), outcome.reopenedFindings());
        return found.size();
    }
}
