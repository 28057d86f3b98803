/** The rule engine of CSM Misconfigurations (ADR 0054): resources, rules as data, CEL checks, results. */
@NullMarked
package vigil.posture;

import org.jspecify.annotations.NullMarked;
