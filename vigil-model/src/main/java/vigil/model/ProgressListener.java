package vigil.model;

/** Progress of long work (layer extraction, database import), shown as a bar when a terminal watches. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    /** A new step begins; {@code total} is the amount of work in its unit, or -1 when unknown. */
    default void begin(String step, long total) {}

    default void advance(long amount) {}

    default void end() {}
}
