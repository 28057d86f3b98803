package vigil.spi.intake;

import java.net.URI;

/**
 * Makes an {@link IntakeQueue} from a {@code --queue} URL; found with {@link java.util.ServiceLoader}, so a queue
 * module only has to be on the class path.
 */
public interface IntakeQueueProvider {
    /** The URL scheme this provider serves, such as {@code kafka}. */
    String scheme();

    /** Connects, prepares what the queue needs (a topic) and returns it; the message says what to fix. */
    IntakeQueue open(URI url) throws java.io.IOException;
}
