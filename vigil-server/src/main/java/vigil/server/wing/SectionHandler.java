package vigil.server.wing;

import org.jdbi.v3.core.Handle;
import vigil.server.intake.Intake;

/**
 * Stores one section of a batch for its wing, in two steps: the expensive part (matching, evaluating) outside any
 * transaction, so SQLite's single writer waits only for the storing; then the storing, inside the batch's transaction,
 * with everything else of the batch (ADR 0031).
 */
public interface SectionHandler {
    /** The section it stores, as the batch envelope names it ({@code inventories}). */
    String section();

    /** Whether the batch carries this section (a handler is asked to prepare only a batch that does). */
    boolean present(Intake.ParsedBatch batch);

    /** The batch's section made ready to store, outside any transaction. */
    Prepared prepare(Intake.ParsedBatch batch);

    /** A section ready to store. */
    interface Prepared {
        /** Stores it in the batch's transaction; the number of findings it produced. */
        int store(Handle handle, String orgId);
    }
}
