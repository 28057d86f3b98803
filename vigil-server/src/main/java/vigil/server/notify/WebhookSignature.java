package vigil.server.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import vigil.server.auth.Secrets;

/**
 * The signature of a delivery, sent as {@code X-Vigil-Signature: t=<unix seconds>,v1=<hex>}: HMAC-SHA256 under the
 * rule's secret (its UTF-8 bytes) of {@code <t>.<body>}. The timestamp inside the signed text lets a receiver refuse
 * replays: it recomputes the HMAC, compares in constant time and rejects a {@code t} more than five minutes old.
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Vigil-Signature";

    private WebhookSignature() {}

    /** A new rule secret: 32 random bytes, {@code whsec_} and URL-safe Base64. */
    public static String newSecret() {
        return Secrets.newToken("whsec_");
    }

    public static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, unixSeconds, body));
    }

    private static byte[] hmac(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
