package vigil.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Organizations, users, sessions and API keys in the store; secrets only ever as hashes. */
public final class Accounts {
    private static final Duration SESSION = Duration.ofHours(12);

    private final Jdbi jdbi;
    private final Clock clock;

    public Accounts(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
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

    public Optional<String> organizationNamed(String name) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id FROM organizations WHERE name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .findOne());
    }

    public String createUser(String orgId, String email, char[] password, Role role) {
        if (password.length < 12) {
            throw new IllegalArgumentException("a password needs at least 12 characters");
        }
        String id = UUID.randomUUID().toString();
        String hash = Secrets.hashPassword(password);
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

    /** Checks a password and opens a session; the token is returned once and stored hashed. */
    public Optional<String> login(String email, char[] password) {
        record UserRow(String id, String passwordHash) {}
        Optional<UserRow> user =
                jdbi.withHandle(handle -> handle.createQuery("SELECT id, password_hash FROM users WHERE email = :email")
                        .bind("email", email.toLowerCase(Locale.ROOT))
                        .map((rs, ctx) -> new UserRow(rs.getString(1), rs.getString(2)))
                        .findOne());
        if (user.isEmpty() || !Secrets.verifyPassword(password, user.get().passwordHash())) {
            return Optional.empty();
        }
        String token = Secrets.newToken("vgs_");
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (:hash, :user, :expires)")
                .bind("hash", Secrets.sha256(token))
                .bind("user", user.get().id())
                .bind("expires", clock.millis() + SESSION.toMillis())
                .execute());
        return Optional.of(token);
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
            return jdbi.withHandle(handle -> handle.createQuery("SELECT u.org_id, u.email, u.role FROM sessions s"
                            + " JOIN users u ON u.id = s.user_id WHERE s.token_hash = :hash AND s.expires_at > :now")
                    .bind("hash", hash)
                    .bind("now", clock.millis())
                    .map((rs, ctx) -> new Principal(
                            rs.getString(1),
                            rs.getString(2),
                            Role.valueOf(rs.getString(3)).permissions()))
                    .findOne());
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
