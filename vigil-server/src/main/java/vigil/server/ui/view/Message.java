package vigil.server.ui.view;

/** A sentence shown above a page's content: an {@code error} or a {@code notice} (its CSS class). */
public record Message(String kind, String text) {
    public static Message error(String text) {
        return new Message("error", text);
    }

    public static Message notice(String text) {
        return new Message("notice", text);
    }
}
