package vigil.server.wing;

import java.nio.file.Path;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import vigil.server.findings.FindingQueries;
import vigil.server.findings.FindingWriter;
import vigil.server.findings.Triage;
import vigil.server.notify.Notifications;
import vigil.server.ui.FindingTables;

/**
 * What the core hands a wing when it starts: the store (for the wing's own tables), the finding writer and queries,
 * triage (a wing whose findings have their own life cycle mutes and unmutes them through it, ADR 0046),
 * notifications (a wing enqueues the changes it stores, in the same transaction), the data directory (for the wing's
 * own files, such as the advisory database), the clock, and the web UI's shared findings table.
 */
public record WingContext(
        Jdbi jdbi,
        Path dataDirectory,
        Clock clock,
        FindingWriter findings,
        FindingQueries queries,
        Notifications notifications,
        FindingTables tables,
        Triage triage) {}
