package vigil.misconfigurations.wing.ui;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;

/**
 * The wing's compiled templates (src/main/jte, compiled by jte-maven-plugin into
 * {@code vigil.misconfigurations.wing.ui.jte}): each renders a page's body, which the core's layout frames.
 */
final class WingTemplates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(
            null, ContentType.Html, WingTemplates.class.getClassLoader(), "vigil.misconfigurations.wing.ui.jte");

    private WingTemplates() {}

    static Content body(String template, Object view) {
        return output -> ENGINE.render(template, view, output);
    }
}
