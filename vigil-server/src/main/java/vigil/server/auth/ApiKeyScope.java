package vigil.server.auth;

import java.util.Locale;
import java.util.Set;

/** What an API key may do: agents send data, tools read it. */
public enum ApiKeyScope {
    INTAKE(Set.of(Permission.INTAKE)),
    READ(Set.of(Permission.READ));

    private final Set<Permission> permissions;

    ApiKeyScope(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
