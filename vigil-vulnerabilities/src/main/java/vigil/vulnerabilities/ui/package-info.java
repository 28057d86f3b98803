/**
 * The vulnerability wing's pages (ADR 0030, 0032): open findings grouped by CVE, package, host or image, and a
 * resource's page with its packages. It contributes them, and its navigation entry, through {@code UiWing}; its
 * templates are in {@code src/main/jte/vulnerabilities/}.
 */
@NullMarked
package vigil.vulnerabilities.ui;

import org.jspecify.annotations.NullMarked;
