package vigil.server.auth;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling: a user (permissions of their role) or an API key (permissions of its scope). Every store query
 * takes the principal's organization, so one organization's data is never reachable with another's credentials.
 *
 * @param subject the user's email or the API key's name, for audit trails
 * @param apiKeyId the API key's id when the caller is an API key (the intake binds agents to it); null for a user
 */
public record Principal(
        String orgId,
        String subject,
        Set<Permission> permissions,
        @Nullable String apiKeyId) {
    public Principal {
        permissions = Set.copyOf(permissions);
    }

    /** A user (no API key). */
    public Principal(String orgId, String subject, Set<Permission> permissions) {
        this(orgId, subject, permissions, null);
    }

    public boolean allows(Permission permission) {
        return permission == Permission.PUBLIC || permissions.contains(permission);
    }
}
