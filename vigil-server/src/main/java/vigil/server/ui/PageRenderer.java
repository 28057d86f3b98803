package vigil.server.ui;

import io.javalin.http.Context;
import org.jspecify.annotations.Nullable;
import vigil.server.http.SecuredRoutes;
import vigil.server.ui.view.Link;
import vigil.server.ui.view.Message;
import vigil.server.ui.view.MessagePage;
import vigil.server.ui.view.PageFrame;

/** What a page handler needs to answer with a template inside the layout: the frame and the rendering. */
public final class PageRenderer {
    private final Navigation navigation;

    PageRenderer(Navigation navigation) {
        this.navigation = navigation;
    }

    /** The layout's frame for the signed-in user, with {@code activePath}'s navigation entry marked. */
    public PageFrame frame(Context ctx, String title, @Nullable String activePath) {
        return new PageFrame(title, SecuredRoutes.principal(ctx).subject(), navigation.links(activePath));
    }

    /** Answers with the template rendered from its view. */
    public void render(Context ctx, int status, String template, Object view) {
        ctx.status(status).html(Templates.render(template, view));
    }

    /**
     * Answers with the layout around a body: how a wing answers, whose templates are compiled in its own module and
     * render only the page's body (ADR 0037).
     */
    public void page(Context ctx, int status, PageFrame frame, gg.jte.Content body) {
        ctx.status(status).html(Templates.page(frame, body));
    }

    /** Answers with a page that only says something, and an optional way back. */
    public void message(
            Context ctx, int status, String title, @Nullable String activePath, Message message, @Nullable Link back) {
        render(ctx, status, "core/message.jte", new MessagePage(frame(ctx, title, activePath), message, back));
    }
}
