/** Classes that break the architecture rules on purpose, so the rules are shown to catch them. */
@NullMarked
package vigil.cli.archfixture;

import org.jspecify.annotations.NullMarked;
