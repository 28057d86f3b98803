package vigil.vulnerabilities.ui;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.PageFrame;
import vigil.server.ui.view.Pager;

/**
 * Open findings grouped by one key, one page of groups.
 *
 * @param showing which groups this page shows of how many
 * @param keyHeading the first column's heading (Vulnerability, Package, Host, Image)
 * @param resources whether the groups are resources (then the last column is their scan state)
 */
public record GroupsPage(
        PageFrame frame,
        List<Option> options,
        String showing,
        String keyHeading,
        boolean resources,
        List<Row> rows,
        Pager pager) {
    public GroupsPage {
        options = List.copyOf(options);
        rows = List.copyOf(rows);
    }

    /** A grouping offered, {@code current} when it is the one shown. */
    public record Option(String name, boolean current) {}

    /**
     * One group: its key, the findings list it counts ({@code href}), its worst severity (empty when none), the
     * number of open findings, and either the resources it spans or, for a resource, its scan state.
     */
    public record Row(
            String key,
            String href,
            String severity,
            String findings,
            String resources,
            @Nullable Scan scan) {}

    /** A resource's scan state: a badge, what the last scan said (null when it simply scanned), its page. */
    public record Scan(Badge badge, @Nullable String note, String resourceHref) {}
}
