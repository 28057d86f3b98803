/** Software bills of materials: CycloneDX 1.6 (read and write) and SPDX 2.3 (write). */
@NullMarked
package vigil.inventory.sbom;

import org.jspecify.annotations.NullMarked;
