/** The normalized resource model every input produces: agent resolvers, IaC files, cloud collectors. */
@NullMarked
package vigil.posture.model;

import org.jspecify.annotations.NullMarked;
