package vigil.server.ui.view;

import java.util.List;

/**
 * A table of findings with their triage forms.
 *
 * @param withResource whether a resource column is shown (not on a resource's own page)
 * @param canTriage whether the user may mute, unmute and assign (then the forms and the users' list are shown)
 * @param users the organization's users, offered by the assign forms
 */
public record FindingsTable(List<FindingRow> rows, boolean withResource, boolean canTriage, List<String> users) {
    public FindingsTable {
        rows = List.copyOf(rows);
        users = List.copyOf(users);
    }
}
