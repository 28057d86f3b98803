/** The dpkg database: status, distroless status.d, and the files each package owns. */
@NullMarked
package vigil.inventory.dpkg;

import org.jspecify.annotations.NullMarked;
