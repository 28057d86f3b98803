package vigil.vulnerabilities.ui;

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
        assertThat(templates()).contains("vulnerabilities/groups.jte", "vulnerabilities/resource.jte");
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
