package vigil.server.ui;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import vigil.server.ui.view.PageFrame;

/**
 * The compiled templates (src/main/jte, compiled by jte-maven-plugin into {@code vigil.server.ui.jte}): loaded from the
 * jar as classes, never compiled at run time. Content type HTML: every {@code ${...}} is escaped for where it stands.
 */
public final class Templates {
    static final String PACKAGE = "vigil.server.ui.jte";

    private static final TemplateEngine ENGINE =
            TemplateEngine.createPrecompiled(null, ContentType.Html, Templates.class.getClassLoader(), PACKAGE);

    private Templates() {}

    /** Renders the template (a path under src/main/jte, such as {@code core/findings.jte}) with its one view. */
    public static String render(String template, Object view) {
        StringOutput output = new StringOutput();
        ENGINE.render(template, view, output);
        return output.toString();
    }

    /** The template rendered with its one view, as content another module's template or the layout embeds. */
    static Content content(String template, Object view) {
        return output -> ENGINE.render(template, view, output);
    }

    /** The layout ({@code layout/page.jte}) around a body, which may come from a wing's own templates. */
    static String page(PageFrame frame, Content body) {
        StringOutput output = new StringOutput();
        ENGINE.render("layout/page.jte", java.util.Map.of("frame", frame, "content", body), output);
        return output.toString();
    }
}
