package vigil.server.findings;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a page of findings ended, in the list's order (severity rank, then last seen, then id, all descending): the
 * next page starts after it. Sent to clients as an opaque token; a page read by keyset costs the same at the first
 * finding as at the millionth, where an offset reads and drops every finding before it (ADR 0028).
 */
public record Cursor(int rank, long lastSeen, String id) {
    private static final String VERSION = "1";

    /** The token given to clients. */
    public String token() {
        String text = VERSION + ":" + rank + ":" + lastSeen + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of a token this server gave out; empty when it is not one. */
    public static Optional<Cursor> parse(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
            String[] parts = text.split(":", 4);
            if (parts.length != 4 || !parts[0].equals(VERSION) || parts[3].isEmpty()) {
                return Optional.empty();
            }
            int rank = Integer.parseInt(parts[1]);
            if (rank < 0 || rank > 5) {
                return Optional.empty();
            }
            return Optional.of(new Cursor(rank, Long.parseLong(parts[2]), parts[3]));
        } catch (IllegalArgumentException e) { // bad Base64 or number
            return Optional.empty();
        }
    }

    /** The rows after this cursor in the list's order; binds {@code :afterRank, :afterSeen, :afterId}. */
    static final String CONDITION = " AND (severity_rank, last_seen, id) < (:afterRank, :afterSeen, :afterId)";
}
