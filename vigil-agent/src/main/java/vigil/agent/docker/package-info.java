/** The Docker Engine API over its Unix socket, for what the agent reads of Docker (images of containers, posture). */
@NullMarked
package vigil.agent.docker;

import org.jspecify.annotations.NullMarked;
