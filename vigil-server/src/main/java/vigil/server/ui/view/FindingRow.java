package vigil.server.ui.view;

/**
 * One finding as the findings tables show it. Every field is display text (never null); hrefs are unescaped (the
 * template escapes them).
 *
 * @param triagePath the path the row's triage forms post to, without the action ({@code /ui/findings/ID})
 */
public record FindingRow(
        String id,
        String severity,
        String ruleId,
        String title,
        String packageName,
        String packageVersion,
        String resourceName,
        String resourceFilterHref,
        String resourcePageHref,
        String fix,
        String status,
        String mutedReason,
        String assignee,
        String triagePath) {
    public boolean open() {
        return status.equals("open");
    }

    public boolean muted() {
        return status.equals("muted");
    }
}
