/** Templates compiled from src/main/jte/layout by jte-maven-plugin (ADR 0032); only the package marker is written by hand. */
@NullMarked
package vigil.server.ui.jte.layout;

import org.jspecify.annotations.NullMarked;
