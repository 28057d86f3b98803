/** HTTP routes: each one registered with the permission it needs. */
@NullMarked
package vigil.server.http;

import org.jspecify.annotations.NullMarked;
