package vigil.threats.wing.ui;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.PageFrame;

/**
 * One signal: what matched, its process tree (ancestors, oldest first, down to the process), the event's fields, the
 * actions, its state with the triage buttons that apply, and its history.
 */
public record SignalPage(
        PageFrame frame,
        String id,
        String title,
        List<Fact> facts,
        Badge severity,
        Badge state,
        List<TreeNode> tree,
        List<Fact> event,
        List<ActionView> actions,
        List<HistoryView> history,
        Buttons buttons) {

    public record Fact(String name, String value) {}

    /** One process of the tree; {@code depth} 0 is the oldest ancestor, {@code current} the process itself. */
    public record TreeNode(
            int depth, String indent, String pid, String path, String args, String user, boolean current) {}

    public record ActionView(String action, String result, String detail) {}

    public record HistoryView(String at, String change, String actor, String detail) {}

    /** The posts that apply in the signal's state; a mute form for the process path and, in a container, the image. */
    public record Buttons(
            String base,
            boolean acknowledge,
            boolean archive,
            boolean reopen,
            String rule,
            String processPath,
            @Nullable String image) {}
}
