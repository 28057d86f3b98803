/** Records and sealed types shared by every Vigil capability. */
@NullMarked
package vigil.model;

import org.jspecify.annotations.NullMarked;
