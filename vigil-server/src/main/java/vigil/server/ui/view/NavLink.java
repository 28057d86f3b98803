package vigil.server.ui.view;

/** One entry of the layout's navigation, marked when it is the page shown. */
public record NavLink(String path, String label, boolean active) {}
