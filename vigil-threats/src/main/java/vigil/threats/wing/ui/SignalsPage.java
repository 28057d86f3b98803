package vigil.threats.wing.ui;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.server.ui.view.Badge;
import vigil.server.ui.view.Link;
import vigil.server.ui.view.PageFrame;
import vigil.server.ui.view.Pager;

/**
 * The signals list: the period, the active filters, facets, the timeline, the signals, and the hosts' sensors and the
 * mutes. {@code empty} is what an empty list means: no host sends signals yet, or none in this period.
 */
public record SignalsPage(
        PageFrame frame,
        List<Period> periods,
        List<Link> active,
        List<Facet> facets,
        Timeline timeline,
        List<Row> rows,
        @Nullable Empty empty,
        Pager pager,
        List<SensorView> sensors,
        List<MuteView> mutes) {

    public record Period(String label, String href, boolean current) {}

    public record Facet(String name, List<FacetValue> values) {}

    public record FacetValue(String value, long count, String href, boolean on) {}

    /** Bars of signals per bucket (an hour or a day), drawn as inline SVG. */
    public record Timeline(String title, int width, int height, long max, List<Bar> bars, String first, String last) {}

    public record Bar(String start, long count, String x, String y, String width, String height) {}

    public record Row(
            String href,
            String time,
            String rule,
            Badge severity,
            String host,
            String process,
            String image,
            Badge state,
            String note) {}

    /** Why the list is empty: {@code kind} is {@code no-sensor} or {@code no-signals} (its element id). */
    public record Empty(String kind, String text) {}

    public record SensorView(
            String host,
            Badge state,
            String reason,
            String source,
            long events,
            long lostTotal,
            String lost,
            long approverDrops,
            long suppressed,
            String reportedAt) {}

    public record MuteView(String id, String rule, String target, String reason, String by, String deletePath) {}
}
