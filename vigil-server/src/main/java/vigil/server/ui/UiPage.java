package vigil.server.ui;

import io.javalin.http.Handler;
import vigil.server.auth.Permission;

/** A page a wing contributes: a GET route with its permission, registered through {@code SecuredRoutes}. */
public record UiPage(String path, Permission permission, Handler handler) {}
