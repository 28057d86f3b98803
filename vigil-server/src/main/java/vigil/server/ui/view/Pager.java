package vigil.server.ui.view;

import org.jspecify.annotations.Nullable;

/** Links to the neighbouring pages of a list; the fragment shows nothing when all three are absent. */
public record Pager(
        @Nullable Link previous,
        @Nullable Link next,
        @Nullable Link first) {
    public boolean isEmpty() {
        return previous == null && next == null && first == null;
    }
}
