package vigil.server.auth;

import java.util.EnumSet;
import java.util.Set;

/** A user's role in their organization. */
public enum Role {
    ADMIN(EnumSet.of(Permission.READ, Permission.TRIAGE, Permission.ADMIN)),
    ANALYST(EnumSet.of(Permission.READ, Permission.TRIAGE)),
    READ_ONLY(EnumSet.of(Permission.READ));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public Set<Permission> permissions() {
        return permissions;
    }
}
