package vigil.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's certificate and key as a KeyStore: from PEM files (a certificate chain, and a PKCS#8 private key,
 * RSA or EC, as {@code openssl} and ACME clients write them) or from a PKCS#12 file with its password.
 */
public record TlsMaterial(KeyStore keyStore, char[] password) {
    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    public static TlsMaterial fromPem(Path certificateChain, Path privateKey) throws IOException {
        try {
            List<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(certificateChain)) {
                chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new IOException(certificateChain + " holds no PEM certificate");
            }
            String keyText = Files.readString(privateKey, StandardCharsets.US_ASCII);
            Matcher matcher = PRIVATE_KEY.matcher(keyText);
            if (!matcher.find()) {
                throw new IOException(privateKey + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----); convert"
                        + " it with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
            }
            byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
            PrivateKey key = null;
            for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
                try {
                    key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    break;
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            if (key == null) {
                throw new IOException(privateKey + " is not an RSA, EC or Ed25519 private key");
            }
            char[] password = "vigil-in-memory".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("vigil", key, password, chain.toArray(Certificate[]::new));
            return new TlsMaterial(store, password);
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot read the TLS certificate " + certificateChain + " and key " + privateKey + ": "
                            + e.getMessage(),
                    e);
        }
    }

    public static TlsMaterial fromPkcs12(Path keystore, char[] password) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(Files.readAllBytes(keystore)), password);
            return new TlsMaterial(store, password);
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot read the PKCS#12 keystore " + keystore + " (wrong password?): " + e.getMessage(), e);
        }
    }
}
