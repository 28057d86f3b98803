/** Compiling a rule expression into an evaluator over events, and evaluating it. */
@NullMarked
package vigil.threats.rules.engine;

import org.jspecify.annotations.NullMarked;
