/** What the agent collects on its host, as batch sections, and what its spool may drop of each (ADR 0031). */
@NullMarked
package vigil.agent.collect;

import org.jspecify.annotations.NullMarked;
