/** The {@code vigil} command line. */
@NullMarked
package vigil.cli;

import org.jspecify.annotations.NullMarked;
