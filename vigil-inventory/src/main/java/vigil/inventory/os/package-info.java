/** Operating-system detection from release files, and whether Vigil scans the release. */
@NullMarked
package vigil.inventory.os;

import org.jspecify.annotations.NullMarked;
