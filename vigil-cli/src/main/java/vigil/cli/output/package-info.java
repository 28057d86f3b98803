/** Scan reports for people (tables) and machines (JSON, SARIF, CycloneDX, SPDX). */
@NullMarked
package vigil.cli.output;

import org.jspecify.annotations.NullMarked;
