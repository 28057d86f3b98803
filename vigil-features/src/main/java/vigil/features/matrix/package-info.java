/** The seed's CSM feature matrix (deployment types × capabilities, and each capability's prerequisites) as data. */
@NullMarked
package vigil.features.matrix;

import org.jspecify.annotations.NullMarked;
