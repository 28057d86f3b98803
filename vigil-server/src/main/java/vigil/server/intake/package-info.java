/** Agent intake: idempotent, compressed batches of inventories and facts. */
@NullMarked
package vigil.server.intake;

import org.jspecify.annotations.NullMarked;
