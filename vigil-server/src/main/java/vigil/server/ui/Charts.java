package vigil.server.ui;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Charts as inline SVG, drawn on the server: no script, readable without one, testable as text. */
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
    static String bars(String id, String title, List<Map.Entry<String, Long>> values) {
        long max =
                Math.max(1, values.stream().mapToLong(Map.Entry::getValue).max().orElse(1));
        int height = 24 * values.size() + 30;
        StringBuilder svg = new StringBuilder("<figure class=\"chart\"><figcaption>" + Html.esc(title)
                + "</figcaption><svg id=\"" + Html.esc(id) + "\" role=\"img\" viewBox=\"0 0 420 " + height
                + "\" width=\"420\" height=\"" + height + "\">");
        int y = 10;
        for (Map.Entry<String, Long> entry : values) {
            int width = (int) Math.round(280.0 * entry.getValue() / max);
            String colour = SEVERITY_COLOURS.getOrDefault(entry.getKey(), "#1976d2");
            svg.append("<text x=\"0\" y=\"")
                    .append(y + 14)
                    .append("\" font-size=\"12\">")
                    .append(Html.esc(entry.getKey()))
                    .append("</text><rect class=\"bar\" data-label=\"")
                    .append(Html.esc(entry.getKey()))
                    .append("\" data-value=\"")
                    .append(entry.getValue())
                    .append("\" x=\"90\" y=\"")
                    .append(y)
                    .append("\" width=\"")
                    .append(width)
                    .append("\" height=\"18\" fill=\"")
                    .append(colour)
                    .append("\"></rect><text x=\"")
                    .append(96 + width)
                    .append("\" y=\"")
                    .append(y + 14)
                    .append("\" font-size=\"12\">")
                    .append(entry.getValue())
                    .append("</text>");
            y += 24;
        }
        return svg.append("</svg></figure>").toString();
    }

    /** A line of daily values, oldest left, with the first and last day and the latest value labelled. */
    static String line(String id, String title, List<Map.Entry<LocalDate, Long>> days) {
        long max =
                Math.max(1, days.stream().mapToLong(Map.Entry::getValue).max().orElse(1));
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (int i = 0; i < days.size(); i++) {
            double x = 40 + 360.0 * i / Math.max(1, days.size() - 1);
            double y = 150 - 120.0 * days.get(i).getValue() / max;
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
            dots.append(String.format(
                    java.util.Locale.ROOT,
                    "<circle class=\"point\" data-day=\"%s\" data-value=\"%d\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\"/>",
                    days.get(i).getKey(),
                    days.get(i).getValue(),
                    x,
                    y));
        }
        String first = days.isEmpty() ? "" : days.getFirst().getKey().toString();
        String last = days.isEmpty() ? "" : days.getLast().getKey().toString();
        long latest = days.isEmpty() ? 0 : days.getLast().getValue();
        return "<figure class=\"chart\"><figcaption>" + Html.esc(title) + "</figcaption><svg id=\"" + Html.esc(id)
                + "\" role=\"img\" viewBox=\"0 0 420 180\" width=\"420\" height=\"180\"><text x=\"0\" y=\"34\""
                + " font-size=\"11\">" + max + "</text><text x=\"0\" y=\"150\" font-size=\"11\">0</text>"
                + "<polyline fill=\"none\" stroke=\"#1976d2\" stroke-width=\"2\" points=\""
                + points.toString().strip()
                + "\"/>" + dots + "<text x=\"40\" y=\"172\" font-size=\"11\">" + first + "</text><text x=\"330\""
                + " y=\"172\" font-size=\"11\">" + last + "</text><text class=\"latest\" x=\"330\" y=\"20\""
                + " font-size=\"12\">now: " + latest + "</text></svg></figure>";
    }
}
