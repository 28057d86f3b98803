package vigil.server.ui.view;

import java.util.List;

/** A line of daily values as inline SVG: the polyline's points, one dot per day, and the labels. */
public record LineChart(
        String id, String title, long max, String points, List<Point> dots, String first, String last, long latest) {
    public LineChart {
        dots = List.copyOf(dots);
    }

    /** One day's dot, its coordinates already formatted. */
    public record Point(String day, long value, String x, String y) {}
}
