package vigil.server.ui;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;
import vigil.server.findings.FindingQueries;
import vigil.server.ui.view.FindingRow;
import vigil.server.ui.view.FindingsTable;

/** Store rows made into the findings table's view: the only place the UI reads {@code FindingQueries.Row}'s fields. */
public final class FindingTables {
    private final Jdbi jdbi;

    public FindingTables(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The table for the user: triage forms and the organization's users when the user may triage. */
    public FindingsTable table(Principal principal, List<FindingQueries.Row> rows, boolean withResource) {
        boolean canTriage = principal.allows(Permission.TRIAGE);
        return new FindingsTable(
                rows.stream().map(FindingTables::row).toList(),
                withResource,
                canTriage,
                canTriage ? users(principal.orgId()) : List.of());
    }

    static FindingRow row(FindingQueries.Row row) {
        return new FindingRow(
                row.id(),
                row.severity(),
                row.ruleId(),
                row.title(),
                text(row.packageName()),
                text(row.packageVersion()),
                row.resourceName(),
                "/findings?status=all&resource=" + Html.url(row.resourceName()),
                "/resources?id=" + Html.url(row.resourceId()),
                row.fixedVersion() == null ? fixText(row.fixState()) : row.fixedVersion(),
                row.status(),
                text(row.mutedReason()),
                text(row.assignee()),
                "/ui/findings/" + Html.url(row.id()));
    }

    private static String fixText(@Nullable String fixState) {
        return switch (fixState == null ? "" : fixState) {
            case "WONT_FIX" -> "will not fix";
            case "NOT_FIXED" -> "no fix yet";
            default -> "";
        };
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value;
    }

    /** The organization's users, offered by the assign forms' inputs. */
    private List<String> users(String orgId) {
        return jdbi.withHandle(
                handle -> handle.createQuery("SELECT email FROM users WHERE org_id = :org ORDER BY email")
                        .bind("org", orgId)
                        .mapTo(String.class)
                        .list());
    }
}
