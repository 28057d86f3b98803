/** Whether the server can do its work now, and why not: what /healthz and the setup page show. */
@NullMarked
package vigil.server.health;

import org.jspecify.annotations.NullMarked;
