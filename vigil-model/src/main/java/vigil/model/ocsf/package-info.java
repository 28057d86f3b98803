/** Open Cybersecurity Schema Framework (OCSF 1.3) export of findings. */
@NullMarked
package vigil.model.ocsf;

import org.jspecify.annotations.NullMarked;
