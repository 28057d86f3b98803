package vigil.misconfigurations.wing.ui;

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

/**
 * The Misconfigurations templates held to the core's rules (ADR 0032, 0037): rendered with views whose every string
 * is hostile they come out escaped, and no source has inline script, style, handlers or raw output.
 */
class WingTemplatesTest {
    private static Map<String, Object> bodies() {
        Map<String, Object> bodies = new LinkedHashMap<>();
        bodies.put(
                "misconfigurations/rules.jte",
                new PosturePages.RulesView(
                        TemplateEscapingTest.frame(),
                        List.of(new PosturePages.RuleView(
                                h("id"),
                                "/misconfigurations/rules/" + HOSTILE,
                                h("title"),
                                new Badge(h("kind"), h("text")),
                                1,
                                2,
                                3,
                                4)),
                        List.of(new PosturePages.ScanView(
                                h("host"), h("benchmark"), h("scanned"), 1, 2, 3, 4, List.of(h("note"))))));
        bodies.put(
                "misconfigurations/rule.jte",
                new PosturePages.RuleDetail(
                        TemplateEscapingTest.frame(),
                        h("id"),
                        h("title"),
                        List.of(new PosturePages.VerdictView(
                                h("status"),
                                h("host"),
                                h("type"),
                                h("name"),
                                h("controls"),
                                "/findings?rule=" + HOSTILE))));
        return bodies;
    }

    @Test
    void everyTemplateHasAHostileView() throws IOException {
        WingTemplateChecks.everyTemplateHasAView(bodies(), "misconfigurations/rules.jte", "misconfigurations/rule.jte");
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
