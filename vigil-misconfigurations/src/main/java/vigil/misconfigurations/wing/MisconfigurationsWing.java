package vigil.misconfigurations.wing;

import java.util.List;
import vigil.features.matrix.Capability;
import vigil.misconfigurations.wing.ui.PosturePages;
import vigil.server.wing.StartedWing;
import vigil.server.wing.Wing;
import vigil.server.wing.WingContext;

/**
 * The Misconfigurations wing (ADR 0030, 0037, 0054): stores the verdicts agents send in {@code posture} sections,
 * their failures as misconfiguration findings replaced per host, and adds the API routes and pages. The server runs
 * no posture rules; the agent (and {@code vigil scan config}) do.
 */
public final class MisconfigurationsWing implements Wing {
    @Override
    public Capability capability() {
        return Capability.MISCONFIGURATIONS;
    }

    @Override
    public StartedWing start(WingContext context) {
        PostureStore store = new PostureStore(context.jdbi());
        PostureSection section = new PostureSection(context.findings(), context.notifications(), context.clock());
        PostureApi api = new PostureApi(store);
        PosturePages pages = new PosturePages(store);
        // verdicts are the agent's: a new scan replaces them
        return StartedWing.of(List.of(section), List.of(pages), api.routes());
    }
}
