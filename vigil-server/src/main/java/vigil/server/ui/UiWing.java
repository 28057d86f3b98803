package vigil.server.ui;

import java.util.List;

/**
 * What a capability ("wing") adds to the web UI: its navigation entries and its pages, each rendered with its own
 * templates (in {@code src/main/jte/<wing>/}) inside the shared layout. Adding a wing touches no other wing's code or
 * templates: it is listed once where {@link UiRoutes} is built (ADR 0032).
 */
public interface UiWing {
    /** The wing's name, as its template folder is named. */
    String name();

    /** Its entries in the layout's navigation. */
    List<NavEntry> nav();

    /** Its pages; {@code renderer} renders a template inside the layout. */
    List<UiPage> pages(PageRenderer renderer);
}
