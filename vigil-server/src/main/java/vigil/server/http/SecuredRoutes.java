package vigil.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vigil.server.auth.Accounts;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;

/**
 * The only way routes are added: each with the permission it needs (an ArchUnit test forbids registering a route
 * anywhere else). Credentials are checked before the handler runs: 401 without valid ones, 403 without the
 * permission. Handlers read the caller with {@link #principal(Context)}.
 */
public final class SecuredRoutes {
    /** A route as declared, for the OpenAPI test and the route listing. */
    public enum Method {
        GET,
        POST,
        DELETE
    }

    /** Sets the session cookie: HttpOnly, SameSite=Strict, Secure on HTTPS. */
    public static void sessionCookie(Context ctx, String token, int maxAgeSeconds) {
        ctx.header(
                "Set-Cookie",
                "vigil_session=" + token + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                        + (ctx.scheme().equals("https") ? "; Secure" : ""));
    }

    public record Route(Method method, String path, Permission permission) {}

    private static final String PRINCIPAL = "vigil.principal";

    private final RoutesConfig routes;
    private final Accounts accounts;
    private final RateLimiter limiter;
    private final List<Route> declared = new ArrayList<>();

    public SecuredRoutes(RoutesConfig routes, Accounts accounts, RateLimiter limiter) {
        this.routes = routes;
        this.accounts = accounts;
        this.limiter = limiter;
    }

    public void get(String path, Permission permission, Handler handler) {
        add(Method.GET, path, permission, handler, false);
    }

    /** A page of the web UI: without a session the browser is sent to the login page instead of a 401. */
    public void page(String path, Permission permission, Handler handler) {
        add(Method.GET, path, permission, handler, true);
    }

    /** A form post of the web UI (same behaviour without a session as {@link #page}). */
    public void form(String path, Permission permission, Handler handler) {
        add(Method.POST, path, permission, handler, true);
    }

    public void post(String path, Permission permission, Handler handler) {
        add(Method.POST, path, permission, handler, false);
    }

    /**
     * A public sign-in post whose handler reads its body itself, bounded and behind the address limiter
     * ({@link LoginBodies}): the form fields are not parsed here first, which would read the whole body unbounded
     * before any limit and leave the handler nothing to read.
     */
    public void signIn(String path, Handler handler) {
        add(Method.POST, path, Permission.PUBLIC, handler, false, false);
    }

    public void delete(String path, Permission permission, Handler handler) {
        add(Method.DELETE, path, permission, handler, false);
    }

    /** A wing's API route, registered as the core registers its own. */
    public void api(ApiRoute route) {
        add(route.method(), route.path(), route.permission(), route.handler(), false);
    }

    private void add(Method method, String path, Permission permission, Handler handler, boolean page) {
        add(method, path, permission, handler, page, true);
    }

    private void add(
            Method method, String path, Permission permission, Handler handler, boolean page, boolean formFields) {
        declared.add(new Route(method, path, permission));
        Handler secured = ctx -> {
            Optional<String> control = TextInput.controlCharacterIn(ctx, formFields);
            if (control.isPresent()) {
                TextInput.refuse(ctx, control.get(), page);
                return;
            }
            if (permission != Permission.PUBLIC) {
                Optional<Principal> principal = bearer(ctx).flatMap(accounts::authenticate);
                if (principal.isEmpty() && page) {
                    ctx.redirect("/login?next="
                            + java.net.URLEncoder.encode(ctx.path(), java.nio.charset.StandardCharsets.UTF_8));
                    return;
                }
                if (method != Method.GET && fromCookie(ctx) && !sameOrigin(ctx)) {
                    // A session cookie rides along with any request the browser makes; only this site may post.
                    Errors.send(ctx, 403, "cross-site request refused");
                    return;
                }
                if (principal.isEmpty()) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    Errors.send(ctx, 401, "missing or invalid credentials: send 'Authorization: Bearer <token>'");
                    return;
                }
                if (!principal.get().allows(permission)) {
                    Errors.send(ctx, 403, principal.get().subject() + " lacks the " + permission + " permission");
                    return;
                }
                if (!limiter.tryAcquire(
                        principal.get().orgId() + "/" + principal.get().subject())) {
                    ctx.header("Retry-After", "1");
                    Errors.send(ctx, 429, "too many requests; slow down and retry after a second");
                    return;
                }
                ctx.attribute(PRINCIPAL, principal.get());
            }
            handler.handle(ctx);
        };
        switch (method) {
            case GET -> routes.get(path, secured);
            case POST -> routes.post(path, secured);
            case DELETE -> routes.delete(path, secured);
        }
    }

    public List<Route> declared() {
        return List.copyOf(declared);
    }

    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("route " + ctx.path() + " is public; it has no caller");
        }
        return principal;
    }

    private static boolean fromCookie(Context ctx) {
        String header = ctx.header("Authorization");
        return (header == null || header.isBlank()) && ctx.cookie("vigil_session") != null;
    }

    /** The Origin (or Referer) names this host, as browsers send it with every form post. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || origin.equals("null")) {
            origin = ctx.header("Referer");
        }
        if (origin == null) {
            return false;
        }
        try {
            java.net.URI uri = java.net.URI.create(origin);
            String host = ctx.host();
            return host != null && (uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")).equals(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The session token or API key the caller sent, as a header or the session cookie. */
    public static Optional<String> credential(Context ctx) {
        return bearer(ctx);
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).strip());
        }
        String cookie = ctx.cookie("vigil_session");
        return Optional.ofNullable(cookie);
    }

    public static Map<String, Object> error(int status, String message) {
        return Map.of("status", status, "error", message);
    }
}
