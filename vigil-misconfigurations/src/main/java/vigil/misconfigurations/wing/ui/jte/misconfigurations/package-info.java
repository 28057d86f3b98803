/** Templates compiled from src/main/jte/misconfigurations by jte-maven-plugin (ADR 0032); only the package marker is written by hand. */
@NullMarked
package vigil.misconfigurations.wing.ui.jte.misconfigurations;

import org.jspecify.annotations.NullMarked;
