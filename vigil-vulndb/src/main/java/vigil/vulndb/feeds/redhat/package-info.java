/** Red Hat security data: per-CVE JSON (fixed, will-not-fix, affected) and CSAF advisories. */
@NullMarked
package vigil.vulndb.feeds.redhat;

import org.jspecify.annotations.NullMarked;
