package vigil.server.ui.view;

import java.util.List;

/** Horizontal bars drawn as inline SVG; the geometry is computed in Java, the template only writes it. */
public record BarChart(String id, String title, int height, List<Bar> bars) {
    public BarChart {
        bars = List.copyOf(bars);
    }

    /** One bar: its label and value (read by tests from {@code data-*}), its top, width and colour. */
    public record Bar(String label, long value, int y, int width, String colour) {}
}
