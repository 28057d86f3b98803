package vigil.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the Content-Security-Policy ({@code script-src 'self'; style-src 'self'}) and the escaping rely on, checked in
 * the template sources: no inline script, style or event handler, and no unescaped output.
 */
public class TemplateSourcesTest {
    /** What no template source may contain (wings check their own templates with these). */
    public static final List<Pattern> FORBIDDEN = List.of(
            // a script element must load a file of this site: inline code is refused by the CSP
            Pattern.compile("<script(?![^>]*\\bsrc=\"/)", Pattern.CASE_INSENSITIVE),
            Pattern.compile("<style", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\sstyle=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE),
            Pattern.compile("javascript:", Pattern.CASE_INSENSITIVE),
            // raw output would bypass the HTML escaping
            Pattern.compile("\\$unsafe\\{"));

    @Test
    void templatesHaveNoInlineScriptStyleHandlerOrRawOutput() throws IOException {
        List<Path> templates;
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "jte"))) {
            templates = files.filter(file -> file.toString().endsWith(".jte")).toList();
        }
        assertThat(templates).hasSizeGreaterThan(10);
        for (Path template : templates) {
            String source = Files.readString(template);
            for (Pattern forbidden : FORBIDDEN) {
                assertThat(forbidden.matcher(source).find())
                        .as(template + " contains " + forbidden.pattern())
                        .isFalse();
            }
        }
    }

    @Test
    void theCheckFindsWhatItForbids() {
        for (String bad : List.of(
                "<script>alert(1)</script>",
                "<p style=\"color:red\">",
                "<a onclick=\"x()\">",
                "<style>p{}</style>",
                "$unsafe{view.html()}")) {
            assertThat(FORBIDDEN.stream().anyMatch(p -> p.matcher(bad).find()))
                    .as(bad)
                    .isTrue();
        }
        assertThat(FORBIDDEN.stream()
                        .anyMatch(p -> p.matcher("<script src=\"/assets/htmx.min.js\" defer>")
                                .find()))
                .isFalse();
    }
}
