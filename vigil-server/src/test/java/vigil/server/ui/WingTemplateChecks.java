package vigil.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import gg.jte.Content;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks every wing's templates are held to (ADR 0032, 0037), shared through vigil-server's test jar: each
 * template has a view of hostile strings, renders them escaped, and its source has no inline script, style, handler
 * or raw output. A wing's WingTemplatesTest gives its views and its renderer.
 */
public final class WingTemplateChecks {
    private static final Path SOURCES = Path.of("src", "main", "jte");

    private WingTemplateChecks() {}

    /** The module's templates ({@code src/main/jte}), as paths relative to it. */
    public static Set<String> templates() throws IOException {
        Set<String> templates = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".jte"))
                    .map(file -> SOURCES.relativize(file).toString().replace('\\', '/'))
                    .forEach(templates::add);
        }
        return templates;
    }

    /** Every template of the module has a hostile view in {@code bodies}, and there are at least {@code some}. */
    public static void everyTemplateHasAView(Map<String, Object> bodies, String... some) throws IOException {
        assertThat(templates()).contains(some);
        assertThat(bodies.keySet()).containsExactlyInAnyOrderElementsOf(templates());
    }

    /** Each body rendered with its hostile view comes out escaped. */
    public static void hostileStringsComeOutEscaped(
            Map<String, Object> bodies, BiFunction<String, Object, Content> render) {
        bodies.forEach((template, view) -> {
            StringOutput output = new StringOutput();
            render.apply(template, view).writeTo(new gg.jte.html.OwaspHtmlTemplateOutput(output));
            TemplateEscapingTest.assertEscaped(template, output.toString());
        });
    }

    /** No template source has inline script, style, handlers or raw output. */
    public static void sourcesAreClean() throws IOException {
        for (String template : templates()) {
            String source = Files.readString(SOURCES.resolve(template));
            for (Pattern forbidden : TemplateSourcesTest.FORBIDDEN) {
                assertThat(forbidden.matcher(source).find())
                        .as(template + " contains " + forbidden.pattern())
                        .isFalse();
            }
        }
    }
}
