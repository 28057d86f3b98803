/** The advisory database: import of OSV and distribution feeds, the embedded store, and matching. */
@NullMarked
package vigil.vulndb;

import org.jspecify.annotations.NullMarked;
