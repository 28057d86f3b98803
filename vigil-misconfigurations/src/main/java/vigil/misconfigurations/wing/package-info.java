/** The Misconfigurations wing (ADR 0054): posture sections stored as findings and verdicts, its API and pages. */
@NullMarked
package vigil.misconfigurations.wing;

import org.jspecify.annotations.NullMarked;
