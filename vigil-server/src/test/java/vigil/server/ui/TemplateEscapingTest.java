package vigil.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import vigil.server.ui.view.AccountPage;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.BarChart;
import vigil.server.ui.view.FindingRow;
import vigil.server.ui.view.FindingsPage;
import vigil.server.ui.view.FindingsTable;
import vigil.server.ui.view.LineChart;
import vigil.server.ui.view.Link;
import vigil.server.ui.view.LoginPage;
import vigil.server.ui.view.Message;
import vigil.server.ui.view.MessagePage;
import vigil.server.ui.view.NavLink;
import vigil.server.ui.view.NotFoundPage;
import vigil.server.ui.view.PageFrame;
import vigil.server.ui.view.Pager;
import vigil.server.ui.view.SetupPage;
import vigil.server.ui.view.UnavailablePage;

/**
 * Every page template rendered with view models whose every string is hostile: what an agent, an advisory or a URL
 * can put there comes out escaped, in text and in attributes alike, and nothing can close an attribute or open a
 * tag. A page template without a hostile view here fails the test.
 */
public class TemplateEscapingTest {
    /** Closes an attribute (both quotes), opens a script, and carries an entity that must not be decoded. */
    public static final String HOSTILE = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp;";

    /** A label followed by {@link #HOSTILE}. */
    public static String h(String label) {
        return label + HOSTILE;
    }

    /** A layout frame whose every string is hostile. */
    public static PageFrame frame() {
        return new PageFrame(h("title"), h("user"), List.of(new NavLink("/findings?x=" + HOSTILE, h("nav"), true)));
    }

    /** A findings table whose every string is hostile (wings embed it through {@code Fragments}). */
    public static FindingsTable table(boolean withResource) {
        FindingRow row = new FindingRow(
                h("id"),
                h("severity"),
                h("rule"),
                h("finding-title"),
                h("package"),
                h("version"),
                h("resource"),
                "/findings?resource=" + HOSTILE,
                "/resources?id=" + HOSTILE,
                h("fix"),
                "open",
                h("reason"),
                h("assignee"),
                "/ui/findings/" + HOSTILE);
        FindingRow muted = new FindingRow(
                h("id"), "HIGH", h("rule"), h("t"), "", "", h("r"), "/f", "/r", "", "muted", h("reason"), "", "/ui/x");
        return new FindingsTable(List.of(row, muted), withResource, true, List.of(h("user")));
    }

    /** A hostile view for each page template, by its path under src/main/jte. */
    static Map<String, Object> pages() {
        Map<String, Object> pages = new LinkedHashMap<>();
        pages.put("core/login.jte", new LoginPage(h("error"), "/" + HOSTILE));
        pages.put("core/unavailable.jte", new UnavailablePage(h("reason"), h("advice")));
        pages.put("core/notFound.jte", new NotFoundPage("/" + HOSTILE));
        pages.put(
                "core/message.jte",
                new MessagePage(frame(), Message.error(h("message")), new Link(HOSTILE, h("back"))));
        pages.put("core/account.jte", new AccountPage(frame(), Message.notice(h("notice")), 12));
        pages.put(
                "core/findings.jte",
                new FindingsPage(
                        frame(),
                        new BarChart(
                                h("bars"),
                                h("chart"),
                                54,
                                List.of(new BarChart.Bar(h("label"), 3, 10, 20, h("colour")))),
                        new LineChart(
                                h("line"),
                                h("chart"),
                                1,
                                h("points"),
                                List.of(new LineChart.Point(h("day"), 1, h("x"), h("y"))),
                                h("first"),
                                h("last"),
                                1),
                        List.of(new FindingsPage.Facet(
                                h("facet"),
                                List.of(new FindingsPage.Option(
                                        h("facet"), "/findings?" + HOSTILE, h("option"), true)))),
                        new FindingsPage.Filter(h("status"), h("assignee"), h("q")),
                        null,
                        h("total"),
                        table(true),
                        new Pager(
                                new Link("/p?" + HOSTILE, h("prev")),
                                new Link("/n?" + HOSTILE, h("next")),
                                new Link(HOSTILE, h("first")))));
        pages.put(
                "core/setup.jte",
                new SetupPage(
                        frame(),
                        new SetupPage.Status(
                                false,
                                List.of(h("reason")),
                                new SetupPage.Queue(1, 2, List.of(new SetupPage.Partition(0, 1, 2)))),
                        List.of(h("capability")),
                        List.of(new SetupPage.AgentRow(
                                h("host"),
                                "/resources?id=" + HOSTILE,
                                h("deployment"),
                                h("version"),
                                h("minimum"),
                                h("seen"),
                                true,
                                3,
                                4,
                                List.of(h("signals: 2")),
                                List.of(
                                        new SetupPage.CapabilityCell(
                                                h("cap"), new Badge(h("kind"), h("state")), false, List.of(h("unmet"))),
                                        new SetupPage.CapabilityCell(
                                                h("cap"), new Badge(h("kind"), h("state")), true, List.of())))),
                        // a wing's section: its id and title escaped by the core; its body is the wing's template's
                        List.of(new vigil.server.ui.SetupSection(
                                h("id"), h("title"), output -> output.writeContent(""))),
                        List.of(new SetupPage.MatrixRow(
                                h("deployment"),
                                true,
                                List.of(new SetupPage.MatrixCell(new Badge(h("kind"), h("a")), true))))));
        return pages;
    }

    @Test
    void everyPageTemplateHasAHostileView() throws IOException {
        Set<String> templates = new TreeSet<>();
        Path root = Path.of("src", "main", "jte");
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(file -> file.toString().endsWith(".jte"))
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    // the layouts and fragments are rendered by the pages
                    .filter(name -> !name.startsWith("layout/") && !name.startsWith("shared/"))
                    .forEach(templates::add);
        }
        assertThat(templates).as("page templates").contains("core/findings.jte", "core/setup.jte");
        assertThat(pages().keySet()).containsExactlyInAnyOrderElementsOf(templates);
    }

    @Test
    void hostileStringsComeOutEscapedOnEveryPage() {
        pages().forEach((template, view) -> assertEscaped(template, Templates.render(template, view)));
    }

    @Test
    void aWingsBodyInTheLayoutAndTheSharedFragmentsComeOutEscaped() {
        gg.jte.Content body = output -> {
            output.writeUserContent(h("body"));
            Fragments.badge(new Badge(h("kind"), h("text"))).writeTo(output);
            Fragments.findingsTable(table(true)).writeTo(output);
            Fragments.pager(new Pager(null, new Link("/v?" + HOSTILE, h("next")), null))
                    .writeTo(output);
        };
        assertEscaped("a wing's page", Templates.page(frame(), body));
    }

    /** What every rendered page must hold to: hostile strings escaped, no script but the layout's own. */
    public static void assertEscaped(String template, String html) {
        {
            assertThat(html)
                    .as(template)
                    .doesNotContain("<script>alert")
                    .doesNotContain("<img src=x")
                    .doesNotContain("\"'>")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                    // an entity in the data is shown as typed, never decoded into markup
                    .contains("&amp;amp;");
            // the only scripts are the layout's own file; a hostile string never adds one
            assertThat(html.split("<script", -1).length - 1)
                    .as(template + ": script elements")
                    .isLessThanOrEqualTo(1);
        }
    }
}
