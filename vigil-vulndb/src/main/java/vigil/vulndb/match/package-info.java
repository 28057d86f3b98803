/** Matching inventories against advisories with each ecosystem's version scheme. */
@NullMarked
package vigil.vulndb.match;

import org.jspecify.annotations.NullMarked;
