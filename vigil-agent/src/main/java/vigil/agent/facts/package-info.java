/** Facts about the machine the agent runs on, read from real signals: deployment type, OS, kernel, runtime, versions. */
@NullMarked
package vigil.agent.facts;

import org.jspecify.annotations.NullMarked;
