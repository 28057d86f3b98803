/** SECL, the rule language of Datadog Workload Protection: tokens, syntax tree, parser and printer. */
@NullMarked
package vigil.threats.rules.secl;

import org.jspecify.annotations.NullMarked;
