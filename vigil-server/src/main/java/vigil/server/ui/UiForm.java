package vigil.server.ui;

import io.javalin.http.Handler;
import vigil.server.auth.Permission;

/**
 * A form post a wing contributes (a triage button): a POST route with its permission, registered through
 * {@code SecuredRoutes} with the same-origin check of every cookie-authenticated post (ADR 0046).
 */
public record UiForm(String path, Permission permission, Handler handler) {}
