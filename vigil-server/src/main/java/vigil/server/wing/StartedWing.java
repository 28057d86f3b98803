package vigil.server.wing;

import java.io.IOException;
import java.util.List;
import vigil.server.http.ApiRoute;
import vigil.server.ui.UiWing;

/** A started wing: what it adds to intake, the web UI and the background work, and how it stops. */
public interface StartedWing extends AutoCloseable {
    /** The batch sections it stores (at most one wing per section). */
    List<SectionHandler> sections();

    /** Its pages and navigation entries. */
    List<UiWing> ui();

    /** Its routes under {@code /api/v1/}, each with its permission (ADR 0046); none by default. */
    default List<ApiRoute> api() {
        return List.of();
    }

    /** Work it repeats in the background while the server runs. */
    List<BackgroundTask> tasks();

    /**
     * Evaluates everything it keeps again now (its reference data, such as an advisory database, was just replaced);
     * the number of findings it stored.
     */
    int reevaluate();

    /** Releases what it holds (open files); called after intake and the background work have stopped. */
    @Override
    void close() throws IOException;

    /**
     * A wing that keeps nothing to evaluate again, runs no background work and holds nothing to release (the Threats
     * and Misconfigurations wings: the agents evaluate, the server stores).
     */
    static StartedWing of(List<SectionHandler> sections, List<UiWing> ui, List<ApiRoute> api) {
        List<SectionHandler> handlers = List.copyOf(sections);
        List<UiWing> pages = List.copyOf(ui);
        List<ApiRoute> routes = List.copyOf(api);
        return new StartedWing() {
            @Override
            public List<SectionHandler> sections() {
                return handlers;
            }

            @Override
            public List<UiWing> ui() {
                return pages;
            }

            @Override
            public List<ApiRoute> api() {
                return routes;
            }

            @Override
            public List<BackgroundTask> tasks() {
                return List.of();
            }

            @Override
            public int reevaluate() {
                return 0;
            }

            @Override
            public void close() {}
        };
    }
}
