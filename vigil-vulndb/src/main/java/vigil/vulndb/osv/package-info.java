/** OSV JSON records of the distribution ecosystems. */
@NullMarked
package vigil.vulndb.osv;

import org.jspecify.annotations.NullMarked;
