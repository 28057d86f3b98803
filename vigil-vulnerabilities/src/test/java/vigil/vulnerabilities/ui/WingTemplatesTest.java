package vigil.vulnerabilities.ui;

import static vigil.server.ui.TemplateEscapingTest.HOSTILE;
import static vigil.server.ui.TemplateEscapingTest.h;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.server.ui.TemplateEscapingTest;
import vigil.server.ui.WingTemplateChecks;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.Link;
import vigil.server.ui.view.Pager;

/**
 * The wing's templates held to the core's rules (ADR 0032, 0037): each page body rendered with views whose every string
 * is hostile comes out escaped, the core's fragments included; and no source has inline script, style, handlers or raw
 * output. A template without a hostile view here fails the test.
 */
class WingTemplatesTest {
    private static Map<String, Object> bodies() {
        Map<String, Object> bodies = new LinkedHashMap<>();
        bodies.put(
                "vulnerabilities/groups.jte",
                new GroupsPage(
                        TemplateEscapingTest.frame(),
                        List.of(new GroupsPage.Option(h("by"), false), new GroupsPage.Option(h("by"), true)),
                        h("showing"),
                        h("heading"),
                        true,
                        List.of(new GroupsPage.Row(
                                h("key"),
                                "/findings?rule=" + HOSTILE,
                                h("severity"),
                                h("findings"),
                                h("resources"),
                                new GroupsPage.Scan(
                                        new Badge(h("kind"), h("scan")), h("note"), "/resources?id=" + HOSTILE))),
                        new Pager(null, new Link("/v?" + HOSTILE, h("next")), null)));
        bodies.put(
                "vulnerabilities/resource.jte",
                new ResourcePage(
                        TemplateEscapingTest.frame(),
                        h("resource-id"),
                        new ResourcePage.Facts(h("type"), h("os"), 3, h("scanned"), h("scan")),
                        2,
                        TemplateEscapingTest.table(false),
                        List.of(new ResourcePage.PackageRow(h("name"), h("version"), h("purl")))));
        return bodies;
    }

    @Test
    void everyTemplateHasAHostileView() throws IOException {
        WingTemplateChecks.everyTemplateHasAView(
                bodies(), "vulnerabilities/groups.jte", "vulnerabilities/resource.jte");
    }

    @Test
    void hostileStringsComeOutEscapedInEveryBody() {
        WingTemplateChecks.hostileStringsComeOutEscaped(bodies(), WingTemplates::body);
    }

    @Test
    void sourcesHaveNoInlineScriptStyleHandlerOrRawOutput() throws IOException {
        WingTemplateChecks.sourcesAreClean();
    }
}
