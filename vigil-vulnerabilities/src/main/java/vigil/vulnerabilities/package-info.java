/**
 * The vulnerability wing (ADR 0030, 0037): inventories kept per resource, matched against the advisory database on
 * arrival and on every database change, with the coverage rule of {@code vigil scan} (ADR 0003). It plugs into the
 * core through {@code vigil.server.wing}; the core never names it.
 */
@NullMarked
package vigil.vulnerabilities;

import org.jspecify.annotations.NullMarked;
