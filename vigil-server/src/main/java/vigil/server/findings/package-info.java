/** Findings: server-side matching, fingerprints, lifecycle (open, resolved, muted) and queries. */
@NullMarked
package vigil.server.findings;

import org.jspecify.annotations.NullMarked;
