/** A Linux host read into posture resources, every path resolved inside the root it was given. */
@NullMarked
package vigil.posture.checks.host;

import org.jspecify.annotations.NullMarked;
