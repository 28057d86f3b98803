package vigil.server.http;

import io.javalin.http.Handler;
import vigil.server.auth.Permission;

/**
 * A route of {@code /api/v1} a wing contributes (ADR 0046): registered by the core through {@link SecuredRoutes} with
 * its permission, like the core's own, and documented in {@code openapi.yaml}.
 */
public record ApiRoute(SecuredRoutes.Method method, String path, Permission permission, Handler handler) {
    public ApiRoute {
        if (!path.startsWith("/api/v1/")) {
            throw new IllegalArgumentException("a wing's API route lives under /api/v1/, not " + path);
        }
    }
}
