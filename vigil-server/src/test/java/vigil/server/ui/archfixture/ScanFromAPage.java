package vigil.server.ui.archfixture;

import java.util.List;
import org.jdbi.v3.core.Handle;
import vigil.model.finding.Category;
import vigil.server.findings.FindingWriter;

/** What FindingLayersTest forbids: a page that stores a scan result (only intake and matching write findings). */
public final class ScanFromAPage {
    private ScanFromAPage() {}

    public static int clear(Handle handle, FindingWriter writer, String orgId, String resourceId) {
        return writer.replaceScan(handle, orgId, resourceId, Category.VULNERABILITY, List.of())
                .resolved();
    }
}
