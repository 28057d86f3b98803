package vigil.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/** Organizations, users, sessions and API keys in the store; secrets only ever as hashes. */
public final class Accounts {
    /** A session ends this long after sign-in, used or not. */
    public static final Duration SESSION = Duration.ofHours(12);

    /** A session ends when unused for this long. */
    public static final Duration SESSION_IDLE = Duration.ofMinutes(30);

    /** A session's last use is written at most this often, not on every request. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    public static final int MIN_PASSWORD = 12;
    public static final int MAX_PASSWORD = 1024;

    private final Jdbi jdbi;
    private final Clock clock;
    private final PasswordHashing hashing;

    public Accounts(Jdbi jdbi, Clock clock, PasswordHashing hashing) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.hashing = hashing;
    }

    public Accounts(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, PasswordHashing.forThisMachine());
    }

    public record CreatedKey(String id, String token) {}

    public String createOrganization(String name) {
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO organizations (id, name, created_at) VALUES (:id, :name, :at)")
                .bind("id", id)
                .bind("name", name)
                .bind("at", clock.millis())
                .execute());
        return id;
    }

    /** Refuses passwords that are too short to resist guessing or too long to be a password. */
    public static void checkPassword(char[] password) {
        if (password.length < MIN_PASSWORD) {
            throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD + " characters");
        }
        if (password.length > MAX_PASSWORD) {
            throw new IllegalArgumentException("a password has at most " + MAX_PASSWORD + " characters");
        }
    }

    public Optional<String> organizationNamed(String name) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM organizations WHERE name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .findOne());
    }

    /** Creates a user; an email is unique within its organization only (ADR 0014). */
    public String createUser(String orgId, String email, char[] password, Role role) {
        checkPassword(password);
        String id = UUID.randomUUID().toString();
        String hash = hashing.hash(password);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO users (id, org_id, email, password_hash, role,"
                        + " created_at) VALUES (:id, :org, :email, :hash, :role, :at)")
                .bind("id", id)
                .bind("org", orgId)
                .bind("email", email.toLowerCase(Locale.ROOT))
                .bind("hash", hash)
                .bind("role", role.name())
                .bind("at", clock.millis())
                .execute());
        return id;
    }

    /** A user as sign-in needs it. */
    public record User(String id, String orgId, String email, String passwordHash) {}

    /**
     * The organization a sign-in names; without a name, the server's first organization (the one made on its first
     * start, named {@code default}; else the oldest), so a sign-in never depends on which other organizations hold
     * the same email.
     */
    public Optional<String> organizationForSignIn(@Nullable String name) {
        return jdbi.withHandle(handle -> name == null
                ? handle.createQuery("SELECT id FROM organizations ORDER BY CASE WHEN name = 'default' THEN 0"
                                + " ELSE 1 END, created_at, id LIMIT 1")
                        .mapTo(String.class)
                        .findFirst()
                : handle.createQuery("SELECT id FROM organizations WHERE name = :name")
                        .bind("name", name)
                        .mapTo(String.class)
                        .findOne());
    }

    public Optional<User> user(String orgId, String email) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, org_id, email, password_hash FROM users WHERE org_id = :org AND email = :email")
                .bind("org", orgId)
                .bind("email", email.toLowerCase(Locale.ROOT))
                .map((rs, ctx) -> new User(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .findOne());
    }

    /** Opens a session for a user whose password was checked; the token is returned once and stored hashed. */
    public String openSession(String userId) {
        String token = Secrets.newToken("vgs_");
        long now = clock.millis();
        jdbi.useTransaction(handle -> {
            // the user's ended sessions go when a new one starts: the table holds live sessions only
            handle.createUpdate("DELETE FROM sessions WHERE user_id = :user AND (expires_at <= :now"
                            + " OR last_used_at <= :idle)")
                    .bind("user", userId)
                    .bind("now", now)
                    .bind("idle", now - SESSION_IDLE.toMillis())
                    .execute();
            handle.createUpdate("INSERT INTO sessions (token_hash, user_id, expires_at, last_used_at)"
                            + " VALUES (:hash, :user, :expires, :now)")
                    .bind("hash", Secrets.sha256(token))
                    .bind("user", userId)
                    .bind("expires", now + SESSION.toMillis())
                    .bind("now", now)
                    .execute();
        });
        return token;
    }

    /** Ends the session of a token (sign-out); nothing happens for any other token. */
    public void endSession(String token) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM sessions WHERE token_hash = :hash")
                .bind("hash", Secrets.sha256(token))
                .execute());
    }

    /** Sets a user's password and ends their sessions except the one of {@code keepToken}. */
    public void setPassword(String userId, char[] password, String keepToken) {
        checkPassword(password);
        String hash = hashing.hash(password);
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
                    .bind("hash", hash)
                    .bind("id", userId)
                    .execute();
            handle.createUpdate("DELETE FROM sessions WHERE user_id = :id AND token_hash <> :keep")
                    .bind("id", userId)
                    .bind("keep", Secrets.sha256(keepToken))
                    .execute();
        });
    }

    /** The pool every password hash of this server runs on. */
    public PasswordHashing hashing() {
        return hashing;
    }

    public CreatedKey createApiKey(String orgId, String name, ApiKeyScope scope) {
        String id = UUID.randomUUID().toString();
        String token = Secrets.newToken("vgl_");
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO api_keys (id, org_id, name, prefix, key_hash, scope,"
                        + " created_at) VALUES (:id, :org, :name, :prefix, :hash, :scope, :at)")
                .bind("id", id)
                .bind("org", orgId)
                .bind("name", name)
                .bind("prefix", token.substring(0, 10))
                .bind("hash", Secrets.sha256(token))
                .bind("scope", scope.name())
                .bind("at", clock.millis())
                .execute());
        return new CreatedKey(id, token);
    }

    /** Revokes a key of {@code orgId}; false when the organization has no such key. */
    public boolean revokeApiKey(String orgId, String keyId) {
        return jdbi.withHandle(handle -> handle.createUpdate(
                                "UPDATE api_keys SET revoked_at = :at WHERE org_id = :org AND id = :id"
                                        + " AND revoked_at IS NULL")
                        .bind("at", clock.millis())
                        .bind("org", orgId)
                        .bind("id", keyId)
                        .execute())
                > 0;
    }

    /** The principal behind a bearer token: a session of a user, or an API key that is not revoked. */
    public Optional<Principal> authenticate(String token) {
        String hash = Secrets.sha256(token);
        if (token.startsWith("vgs_")) {
            long now = clock.millis();
            record Live(Principal principal, long lastUsed) {}
            Optional<Live> live = jdbi.withHandle(handle -> handle.createQuery(
                            "SELECT u.org_id, u.email, u.role, s.last_used_at FROM sessions s JOIN users u"
                                    + " ON u.id = s.user_id WHERE s.token_hash = :hash AND s.expires_at > :now"
                                    + " AND s.last_used_at > :idle")
                    .bind("hash", hash)
                    .bind("now", now)
                    .bind("idle", now - SESSION_IDLE.toMillis())
                    .map((rs, ctx) -> new Live(
                            new Principal(
                                    rs.getString(1),
                                    rs.getString(2),
                                    Role.valueOf(rs.getString(3)).permissions()),
                            rs.getLong(4)))
                    .findOne());
            if (live.isPresent() && now - live.get().lastUsed() >= TOUCH_EVERY.toMillis()) {
                jdbi.useHandle(handle -> handle.createUpdate(
                                "UPDATE sessions SET last_used_at = :now WHERE token_hash = :hash")
                        .bind("now", now)
                        .bind("hash", hash)
                        .execute());
            }
            return live.map(Live::principal);
        }
        Optional<Principal> key = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT org_id, name, scope, id FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL")
                .bind("hash", hash)
                .map((rs, ctx) -> new Principal(
                        rs.getString(1),
                        "api key " + rs.getString(2),
                        ApiKeyScope.valueOf(rs.getString(3)).permissions(),
                        rs.getString(4)))
                .findOne());
        return key;
    }
}
