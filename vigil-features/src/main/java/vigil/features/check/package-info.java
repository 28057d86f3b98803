/** What the agent can run here: each capability enabled, not applicable, or unavailable with every unmet prerequisite. */
@NullMarked
package vigil.features.check;

import org.jspecify.annotations.NullMarked;
