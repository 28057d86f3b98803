package vigil.server.ui.view;

/** The page for a path no route answers. */
public record NotFoundPage(String path) {}
