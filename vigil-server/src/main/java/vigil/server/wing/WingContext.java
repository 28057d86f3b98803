package vigil.server.wing;

import java.nio.file.Path;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import vigil.server.findings.FindingQueries;
import vigil.server.findings.FindingWriter;
import vigil.server.notify.Notifications;
import vigil.server.ui.FindingTables;

/**
 * What the core hands a wing when it starts: the store (for the wing's own tables), the finding writer and queries,
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
        FindingTables tables) {}
