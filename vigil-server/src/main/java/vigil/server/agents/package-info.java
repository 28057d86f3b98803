/** The agents an organization has: what each reported about itself, its spool and the intake key it is bound to. */
@NullMarked
package vigil.server.agents;

import org.jspecify.annotations.NullMarked;
