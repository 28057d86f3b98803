/** Fixture classes that break the wing rules, to prove WingArchitectureTest's rules catch them. */
@NullMarked
package vigil.cli.archfixture.wings.alpha;

import org.jspecify.annotations.NullMarked;
