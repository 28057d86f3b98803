package vigil.server.ui;

import gg.jte.Content;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.FindingsTable;
import vigil.server.ui.view.Pager;

/**
 * The core's shared fragments as content a wing's template embeds ({@code ${Fragments.badge(...)}}): a wing's
 * templates are compiled in its own module, where the core's templates cannot be called by name (ADR 0037). Each is
 * escaped as the core's own pages escape it.
 */
public final class Fragments {
    private Fragments() {}

    public static Content badge(Badge badge) {
        return Templates.content("shared/badge.jte", badge);
    }

    public static Content pager(Pager pager) {
        return Templates.content("shared/pager.jte", pager);
    }

    public static Content findingsTable(FindingsTable table) {
        return Templates.content("shared/findingsTable.jte", table);
    }
}
