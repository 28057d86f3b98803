package vigil.server.auth;

import java.util.Set;

/**
 * Who is calling: a user (permissions of their role) or an API key (permissions of its scope). Every store query
 * takes the principal's organization, so one organization's data is never reachable with another's credentials.
 *
 * @param subject the user's email or the API key's name, for audit trails
 */
public record Principal(String orgId, String subject, Set<Permission> permissions) {
    public Principal {
        permissions = Set.copyOf(permissions);
    }

    public boolean allows(Permission permission) {
        return permission == Permission.PUBLIC || permissions.contains(permission);
    }
}
