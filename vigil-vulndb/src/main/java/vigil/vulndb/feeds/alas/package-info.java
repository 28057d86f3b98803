/** Amazon Linux security advisories (ALAS): vuln-list JSON and the ALAS advisory pages. */
@NullMarked
package vigil.vulndb.feeds.alas;

import org.jspecify.annotations.NullMarked;
