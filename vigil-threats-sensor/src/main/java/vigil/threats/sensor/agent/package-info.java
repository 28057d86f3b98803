/** The sensor as one of the agent's collectors: its signals in the batch's {@code signals} sections (ADR 0047). */
@NullMarked
package vigil.threats.sensor.agent;

import org.jspecify.annotations.NullMarked;
