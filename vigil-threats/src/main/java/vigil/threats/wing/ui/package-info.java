/** The Threats wing's pages: the signals list with facets and timeline, one signal, sensors (ADR 0046). No SQL. */
@NullMarked
package vigil.threats.wing.ui;

import org.jspecify.annotations.NullMarked;
