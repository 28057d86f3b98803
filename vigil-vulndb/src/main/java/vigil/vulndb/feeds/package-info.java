/** Vendor advisory feeds for distributions OSV does not cover. */
@NullMarked
package vigil.vulndb.feeds;

import org.jspecify.annotations.NullMarked;
