/** Addresses and ranges: which the server may reach (webhooks) and whose forwarded headers it trusts (proxies). */
@NullMarked
package vigil.server.net;

import org.jspecify.annotations.NullMarked;
