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
}
