/**
 * The intake queue SPI: a queue module ({@code vigil-kafka}) implements {@link vigil.spi.intake.IntakeQueue} and
 * registers an {@link vigil.spi.intake.IntakeQueueProvider} with {@link java.util.ServiceLoader}; its workers hand
 * each batch back to the server through the {@link vigil.spi.intake.BatchSink} the server passes in.
 */
@NullMarked
package vigil.spi.intake;

import org.jspecify.annotations.NullMarked;
