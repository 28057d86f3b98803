/** Rules as data: their metadata, CEL expressions and examples, read from YAML files with positions. */
@NullMarked
package vigil.posture.rule;

import org.jspecify.annotations.NullMarked;
