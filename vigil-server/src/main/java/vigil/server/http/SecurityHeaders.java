package vigil.server.http;

import io.javalin.http.Context;

/**
 * Headers every answer carries, set before any handler runs (so 404s and errors have them too). The policy allows
 * only this origin's scripts and styles: the UI has no inline script or style (htmx's indicator style is turned off in
 * the page's htmx-config) and its charts are inline SVG, so nothing else is needed. Answers are not stored by caches
 * unless a handler says otherwise (the public assets do): most carry a signed-in user's data.
 */
public final class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none';"
            + " object-src 'none'";

    private SecurityHeaders() {}

    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
