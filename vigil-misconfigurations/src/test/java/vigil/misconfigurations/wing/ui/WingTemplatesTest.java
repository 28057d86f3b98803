package vigil.misconfigurations.wing.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.server.ui.TemplateEscapingTest.HOSTILE;
import static vigil.server.ui.TemplateEscapingTest.h;

import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import vigil.server.ui.TemplateEscapingTest;
import vigil.server.ui.TemplateSourcesTest;
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

    private static Set<String> templates() throws IOException {
        Set<String> templates = new TreeSet<>();
        Path root = Path.of("src", "main", "jte");
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(file -> file.toString().endsWith(".jte"))
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .forEach(templates::add);
        }
        return templates;
    }

    @Test
    void everyTemplateHasAHostileView() throws IOException {
        assertThat(templates()).contains("misconfigurations/rules.jte", "misconfigurations/rule.jte");
        assertThat(bodies().keySet()).containsExactlyInAnyOrderElementsOf(templates());
    }

    @Test
    void hostileStringsComeOutEscapedInEveryBody() {
        bodies().forEach((template, view) -> {
            StringOutput output = new StringOutput();
            WingTemplates.body(template, view).writeTo(new gg.jte.html.OwaspHtmlTemplateOutput(output));
            TemplateEscapingTest.assertEscaped(template, output.toString());
        });
    }

    @Test
    void sourcesHaveNoInlineScriptStyleHandlerOrRawOutput() throws IOException {
        for (String template : templates()) {
            String source = Files.readString(Path.of("src", "main", "jte", template));
            for (Pattern forbidden : TemplateSourcesTest.FORBIDDEN) {
                assertThat(forbidden.matcher(source).find())
                        .as(template + " contains " + forbidden.pattern())
                        .isFalse();
            }
        }
    }
}
