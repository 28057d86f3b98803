/** Templates compiled from src/main/jte/vulnerabilities by jte-maven-plugin (ADR 0032); only the package marker is written by hand. */
@NullMarked
package vigil.vulnerabilities.ui.jte.vulnerabilities;

import org.jspecify.annotations.NullMarked;
