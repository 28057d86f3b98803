/** Policy files (rules, macros, filters, agent versions, actions) loaded into a rule set with a status per rule. */
@NullMarked
package vigil.threats.rules.policy;

import org.jspecify.annotations.NullMarked;
