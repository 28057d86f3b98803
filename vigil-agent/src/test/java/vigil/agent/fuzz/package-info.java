/** Fuzz tests of what the agent reads from its surroundings. */
@NullMarked
package vigil.agent.fuzz;

import org.jspecify.annotations.NullMarked;
