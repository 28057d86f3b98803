/** The Misconfigurations pages: rules with their verdicts, and the resources that fail one. */
@NullMarked
package vigil.misconfigurations.wing.ui;

import org.jspecify.annotations.NullMarked;
