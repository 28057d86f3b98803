/** Version schemes of package ecosystems, each a total order that agrees with the ecosystem's own tools. */
@NullMarked
package vigil.versions;

import org.jspecify.annotations.NullMarked;
