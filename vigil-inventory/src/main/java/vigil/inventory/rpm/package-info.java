/** The rpm database of installed packages in its three formats (Berkeley DB, NDB, SQLite) and the header blob. */
@NullMarked
package vigil.inventory.rpm;

import org.jspecify.annotations.NullMarked;
