package vigil.server.wing;

import org.jdbi.v3.core.Handle;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

/**
 * Stores one section of a batch for its wing, in two steps: the expensive part (matching, evaluating) outside any
 * transaction, so SQLite's single writer waits only for the storing; then the storing, inside the batch's transaction,
 * with everything else of the batch (ADR 0031).
 */
public interface SectionHandler {
    /**
     * The section it stores, as the batch envelope names it: {@code inventories}, or the type of the sections it claims
     * ({@code signals}, carried as {@link Intake.Section}s).
     */
    String section();

    /** Whether the batch carries this section (a handler is asked to prepare only a batch that does). */
    boolean present(Intake.ParsedBatch batch);

    /**
     * Checks what the batch carries of its section when the batch is read, before it is queued or stored: an
     * {@link IntakeException} (400 naming the section, the element and the field) refuses the batch. A batch that
     * passed is only then prepared, so {@link #prepare} may take it as valid.
     */
    default void check(Intake.ParsedBatch batch) throws IntakeException {}

    /** The batch's section made ready to store, outside any transaction. */
    Prepared prepare(Intake.ParsedBatch batch);

    /** A section ready to store. */
    interface Prepared {
        /** Stores it in the batch's transaction; the number of findings it produced. */
        int store(Handle handle, String orgId);
    }
}
