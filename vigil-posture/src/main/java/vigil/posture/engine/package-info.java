/** Rules compiled once and evaluated over resources, each result with the evidence that decided it. */
@NullMarked
package vigil.posture.engine;

import org.jspecify.annotations.NullMarked;
