package vigil.threats.wing;

import java.util.List;
import vigil.features.matrix.Capability;
import vigil.server.wing.StartedWing;
import vigil.server.wing.Wing;
import vigil.server.wing.WingContext;
import vigil.threats.wing.ui.ThreatPages;

/**
 * The Threats wing (ADR 0030, 0037, 0046): stores the signals hosts' agents send in {@code signals} sections as threat
 * findings with their own life cycle, keeps each host's sensor state, and adds the signals' API routes and pages. The
 * server runs no rules; the agent does.
 */
public final class ThreatsWing implements Wing {
    @Override
    public Capability capability() {
        return Capability.THREATS;
    }

    @Override
    public StartedWing start(WingContext context) {
        SignalStore store = new SignalStore(context.jdbi(), context.triage(), context.clock());
        SignalSection section =
                new SignalSection(context.findings(), context.notifications(), context.triage(), context.clock());
        SignalApi api = new SignalApi(store, context.clock());
        ThreatPages pages = new ThreatPages(store, context.clock());
        // signals are what happened: nothing to evaluate again
        return StartedWing.of(List.of(section), List.of(pages), api.routes());
    }
}
