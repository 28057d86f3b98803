package vigil.server.ui.view;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The findings list: charts, facets, the text filter, and either one page of findings or, past the last page, a
 * notice linking back to the first.
 *
 * @param total the sentence above the table ({@code 3 findings}, or why it is not counted)
 */
public record FindingsPage(
        PageFrame frame,
        BarChart bySeverity,
        LineChart overTime,
        List<Facet> facets,
        Filter filter,
        @Nullable PastEnd pastEnd,
        String total,
        FindingsTable table,
        Pager pager) {
    public FindingsPage {
        facets = List.copyOf(facets);
    }

    /** A group of facet links: each toggles one value of one filter and keeps the others. */
    public record Facet(String title, List<Option> options) {
        public Facet {
            options = List.copyOf(options);
        }
    }

    /** One facet link: {@code facet} is {@code parameter:value} (read by tests), {@code on} when it is selected. */
    public record Option(String facet, String href, String label, boolean on) {}

    /** The text filter's form, with the filters it keeps as hidden fields. */
    public record Filter(String status, @Nullable String assignee, String q) {}

    /** Past the last page: how many there are in all, and the first page. */
    public record PastEnd(String inAll, String firstPage) {}
}
