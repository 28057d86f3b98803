package vigil.model.finding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable finding ids: the same rule on the same resource and subject always yields the same id. */
public final class Fingerprint {
    private Fingerprint() {}

    /**
     * SHA-256 over the category, rule id, resource id and subject (for a vulnerability, the package name and
     * architecture), length-prefixed so no two different tuples collide by concatenation; 32 hex characters.
     */
    public static String of(Category category, String ruleId, String resourceId, String subject) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {category.wireName(), ruleId, resourceId, subject}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
