/**
 * Falco's rules on Vigil's engine: Falco's condition language (parser, compiler to {@code Evaluator}s), its fields
 * mapped onto Vigil's events ({@code falco/fields.tsv}), and a loader of Falco rules files (macros, lists,
 * exceptions, overrides) that says per rule whether it loads, is disabled, is unsupported, or is in error.
 */
@NullMarked
package vigil.threats.rules.falco;

import org.jspecify.annotations.NullMarked;
