/** The Vigil server: intake for agents, the findings store, server-side matching and the REST API. */
@NullMarked
package vigil.server;

import org.jspecify.annotations.NullMarked;
