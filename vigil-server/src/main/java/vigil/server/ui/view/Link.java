package vigil.server.ui.view;

/** A link: an unescaped href (the template escapes it) and its text. */
public record Link(String href, String label) {}
