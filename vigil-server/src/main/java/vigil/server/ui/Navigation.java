package vigil.server.ui;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import vigil.server.ui.view.NavLink;

/** The navigation registry: every entry the core and the wings contribute, in order; the layout renders it. */
public final class Navigation {
    private final List<NavEntry> entries;

    public Navigation(List<NavEntry> entries) {
        Set<String> paths = new HashSet<>();
        for (NavEntry entry : entries) {
            if (!paths.add(entry.path())) {
                throw new IllegalArgumentException(
                        "two navigation entries for " + entry.path() + ": each page may have one entry only");
            }
        }
        List<NavEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(NavEntry::order));
        this.entries = List.copyOf(sorted);
    }

    public List<NavEntry> entries() {
        return entries;
    }

    /** The links for a page, the one for {@code activePath} marked (none when the page has no entry). */
    public List<NavLink> links(@Nullable String activePath) {
        return entries.stream()
                .map(entry ->
                        new NavLink(entry.path(), entry.label(), entry.path().equals(activePath)))
                .toList();
    }
}
