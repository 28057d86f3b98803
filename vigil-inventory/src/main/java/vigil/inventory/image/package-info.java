/** Container images (docker save archives, OCI layouts) flattened safely into a confined root filesystem. */
@NullMarked
package vigil.inventory.image;

import org.jspecify.annotations.NullMarked;
