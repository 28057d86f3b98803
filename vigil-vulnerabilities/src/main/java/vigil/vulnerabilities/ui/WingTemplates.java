package vigil.vulnerabilities.ui;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;

/**
 * The wing's compiled templates (src/main/jte, compiled by jte-maven-plugin into {@code vigil.vulnerabilities.ui.jte}):
 * each renders a page's body, which the core's layout frames; the core's fragments are embedded through {@code
 * vigil.server.ui.Fragments} (ADR 0037). HTML content type: every {@code ${...}} is escaped for where it stands.
 */
final class WingTemplates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(
            null, ContentType.Html, WingTemplates.class.getClassLoader(), "vigil.vulnerabilities.ui.jte");

    private WingTemplates() {}

    /** The template (a path under src/main/jte) rendered with its one view, as a page's body. */
    static Content body(String template, Object view) {
        return output -> ENGINE.render(template, view, output);
    }
}
