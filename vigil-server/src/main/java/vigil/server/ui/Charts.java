package vigil.server.ui;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vigil.server.ui.view.BarChart;
import vigil.server.ui.view.LineChart;

/** Chart geometry, computed on the server: the templates draw it as inline SVG (no script, testable as text). */
final class Charts {
    private Charts() {}

    static final Map<String, String> SEVERITY_COLOURS = Map.of(
            "CRITICAL", "#7b1fa2",
            "HIGH", "#d32f2f",
            "MEDIUM", "#f57c00",
            "LOW", "#fbc02d",
            "NEGLIGIBLE", "#9e9e9e",
            "UNKNOWN", "#78909c");

    /** Horizontal bars, one per label, with the count written beside each. */
    static BarChart bars(String id, String title, List<Map.Entry<String, Long>> values) {
        long max =
                Math.max(1, values.stream().mapToLong(Map.Entry::getValue).max().orElse(1));
        List<BarChart.Bar> bars = new ArrayList<>();
        int y = 10;
        for (Map.Entry<String, Long> entry : values) {
            int width = (int) Math.round(280.0 * entry.getValue() / max);
            bars.add(new BarChart.Bar(
                    entry.getKey(),
                    entry.getValue(),
                    y,
                    width,
                    SEVERITY_COLOURS.getOrDefault(entry.getKey(), "#1976d2")));
            y += 24;
        }
        return new BarChart(id, title, 24 * values.size() + 30, bars);
    }

    /** A line of daily values, oldest left, with the first and last day and the latest value labelled. */
    static LineChart line(String id, String title, List<Map.Entry<LocalDate, Long>> days) {
        long max =
                Math.max(1, days.stream().mapToLong(Map.Entry::getValue).max().orElse(1));
        StringBuilder points = new StringBuilder();
        List<LineChart.Point> dots = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            double x = 40 + 360.0 * i / Math.max(1, days.size() - 1);
            double y = 150 - 120.0 * days.get(i).getValue() / max;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            dots.add(new LineChart.Point(
                    days.get(i).getKey().toString(),
                    days.get(i).getValue(),
                    String.format(Locale.ROOT, "%.1f", x),
                    String.format(Locale.ROOT, "%.1f", y)));
        }
        return new LineChart(
                id,
                title,
                max,
                points.toString().strip(),
                dots,
                days.isEmpty() ? "" : days.getFirst().getKey().toString(),
                days.isEmpty() ? "" : days.getLast().getKey().toString(),
                days.isEmpty() ? 0 : days.getLast().getValue());
    }
}
