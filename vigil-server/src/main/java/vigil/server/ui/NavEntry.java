package vigil.server.ui;

/**
 * One entry of the layout's navigation, contributed by the core or a wing: its page, its label, and where it goes in
 * the bar ({@code order}, lowest first; the core uses 10, 90 and 100 so a wing fits between).
 */
public record NavEntry(String path, String label, int order) {
    public NavEntry {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a navigation entry's path must start with '/': " + path);
        }
    }
}
