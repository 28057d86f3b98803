package vigil.server.ui.view;

/** The page for when the store is unavailable: its cause and what to do. */
public record UnavailablePage(String reason, String advice) {}
