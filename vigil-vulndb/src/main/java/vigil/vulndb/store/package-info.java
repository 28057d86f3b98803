/** The embedded advisory store: one SQLite file, rebuilt atomically. */
@NullMarked
package vigil.vulndb.store;

import org.jspecify.annotations.NullMarked;
