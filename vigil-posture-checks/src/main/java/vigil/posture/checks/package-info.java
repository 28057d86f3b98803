/** Posture checks the agent and {@code vigil scan config} run: resolvers, built-in rules, the scan. */
@NullMarked
package vigil.posture.checks;

import org.jspecify.annotations.NullMarked;
