/** The apk-tools database of installed packages. */
@NullMarked
package vigil.inventory.apk;

import org.jspecify.annotations.NullMarked;
