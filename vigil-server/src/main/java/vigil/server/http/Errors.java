package vigil.server.http;

import io.javalin.http.Context;

/** Every error answer has the same shape: {@code {"status": 4xx, "error": "what is wrong and what to do"}}. */
final class Errors {
    private Errors() {}

    static void send(Context ctx, int status, String message) {
        ctx.status(status).json(SecuredRoutes.error(status, message));
    }
}
