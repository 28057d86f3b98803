/** Confined root filesystems: directories, the live host, and flattened image layers. */
@NullMarked
package vigil.inventory.fs;

import org.jspecify.annotations.NullMarked;
