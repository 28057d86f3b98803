/**
 * The core's side of a capability ("wing", ADR 0030, 0037): the interfaces a wing implements, what the core hands it,
 * and the registry of started wings. The core depends on no wing; wings are found on the class path.
 */
@NullMarked
package vigil.server.wing;

import org.jspecify.annotations.NullMarked;
