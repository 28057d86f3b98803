/** Organizations, users, roles, API keys, sessions and the permission every route declares. */
@NullMarked
package vigil.server.auth;

import org.jspecify.annotations.NullMarked;
