/** Templates compiled from src/main/jte/threats by jte-maven-plugin (ADR 0032); only the package marker is written by hand. */
@NullMarked
package vigil.threats.wing.ui.jte.threats;

import org.jspecify.annotations.NullMarked;
