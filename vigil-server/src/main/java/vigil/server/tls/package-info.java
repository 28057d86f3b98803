/** TLS for the server, from a PEM certificate chain and private key or a PKCS#12 keystore. */
@NullMarked
package vigil.server.tls;

import org.jspecify.annotations.NullMarked;
