package vigil.threats.wing.ui;

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
 * The Threats templates held to the core's rules (ADR 0032, 0037): rendered with views whose every string is hostile
 * they come out escaped, and no source has inline script, style, handlers or raw output.
 */
class WingTemplatesTest {
    private static Map<String, Object> bodies() {
        Map<String, Object> bodies = new LinkedHashMap<>();
        Badge badge = new Badge(h("kind"), h("text"));
        bodies.put(
                "threats/signals.jte",
                new SignalsPage(
                        TemplateEscapingTest.frame(),
                        List.of(
                                new SignalsPage.Period(h("p"), "/threats?" + HOSTILE, false),
                                new SignalsPage.Period(h("p"), "/t", true)),
                        List.of(new Link("/threats?" + HOSTILE, h("active"))),
                        List.of(new SignalsPage.Facet(
                                h("facet"),
                                List.of(new SignalsPage.FacetValue(h("value"), 3, "/threats?" + HOSTILE, true)))),
                        new SignalsPage.Timeline(
                                h("title"),
                                720,
                                120,
                                4,
                                List.of(new SignalsPage.Bar(h("start"), 2, h("x"), h("y"), h("w"), h("h"))),
                                h("first"),
                                h("last")),
                        List.of(new SignalsPage.Row(
                                "/threats/signals/" + HOSTILE,
                                h("time"),
                                h("rule"),
                                badge,
                                h("host"),
                                h("process"),
                                h("image"),
                                badge,
                                h("note"))),
                        new SignalsPage.Empty(h("kind"), h("empty")),
                        new Pager(null, new Link("/threats?" + HOSTILE, h("next")), null),
                        List.of(new SignalsPage.SensorView(
                                h("host"), badge, h("reason"), h("source"), 1, 2, h("lost"), 3, 4, h("reported"))),
                        List.of(new SignalsPage.MuteView(
                                h("id"),
                                h("rule"),
                                h("target"),
                                h("reason"),
                                h("by"),
                                "/ui/threats/mutes/" + HOSTILE))));
        // the sensors, on the Threats page and the core's setup page
        bodies.put(
                "threats/sensors.jte",
                List.of(new SignalsPage.SensorView(
                        h("host"), badge, h("reason"), h("source"), 1, 2, h("lost"), 3, 4, h("reported"))));
        bodies.put(
                "threats/signal.jte",
                new SignalPage(
                        TemplateEscapingTest.frame(),
                        h("id"),
                        h("title"),
                        List.of(new SignalPage.Fact(h("name"), h("value"))),
                        badge,
                        badge,
                        List.of(
                                new SignalPage.TreeNode(
                                        0, h("indent"), h("pid"), h("path"), h("args"), h("user"), false),
                                new SignalPage.TreeNode(
                                        1, h("indent"), h("pid"), h("path"), h("args"), h("user"), true)),
                        List.of(new SignalPage.Fact(h("field"), h("value"))),
                        List.of(new SignalPage.ActionView(h("action"), h("result"), h("detail"))),
                        List.of(new SignalPage.HistoryView(h("at"), h("change"), h("actor"), h("detail"))),
                        new SignalPage.Buttons(
                                "/ui/threats/signals/" + HOSTILE, true, true, true, h("rule"), h("path"), h("image"))));
        return bodies;
    }

    @Test
    void everyTemplateHasAHostileView() throws IOException {
        WingTemplateChecks.everyTemplateHasAView(bodies(), "threats/signals.jte", "threats/signal.jte");
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
