package vigil.server.ui;

import java.util.List;

/**
 * What a capability ("wing") adds to the web UI: its navigation entries and its pages, each rendering a body with the
 * templates of its own module (in {@code src/main/jte/<wing>/}) that {@link PageRenderer#page} frames with the shared
 * layout. Adding a wing touches no other wing's code or templates: the server takes it from the started wings
 * (ADR 0032, 0037).
 */
public interface UiWing {
    /** The wing's name, as its template folder is named. */
    String name();

    /** Its entries in the layout's navigation. */
    List<NavEntry> nav();

    /** Its pages; {@code renderer} renders a template inside the layout. */
    List<UiPage> pages(PageRenderer renderer);

    /** Its sections of the setup page for organization {@code orgId}; none by default. */
    default List<SetupSection> setup(String orgId) {
        return List.of();
    }

    /** Its form posts (triage buttons); none by default. */
    default List<UiForm> forms(PageRenderer renderer) {
        return List.of();
    }
}
