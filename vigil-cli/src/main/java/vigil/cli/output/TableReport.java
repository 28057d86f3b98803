package vigil.cli.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.model.FixState;
import vigil.model.Inventory;
import vigil.model.PackageVulnerability;
import vigil.model.ScanResult;
import vigil.model.Severity;

/** The report for people: what was scanned, then vulnerabilities grouped by package, then a summary line. */
public final class TableReport {
    private static final String RESET = "\033[0m";
    private static final String BOLD = "\033[1m";

    private final boolean color;
    private final int width;
    private final Instant now;

    public TableReport(boolean color, int width, Instant now) {
        this.color = color;
        this.width = Math.max(60, width);
        this.now = now;
    }

    public void write(ScanResult result, PrintWriter out) {
        Inventory inventory = result.inventory();
        out.println(bold(inventory.target().name()) + " (" + describeOs(inventory) + ")");
        if (result.database().builtAt() != null) {
            Duration age = Duration.between(result.database().builtAt(), now);
            out.println("Advisory database: " + result.database().advisoryCount() + " advisories, built "
                    + age.toHours() / 24 + " days " + age.toHours() % 24 + " hours ago");
        }
        for (String warning : inventory.warnings()) {
            out.println(paint(Severity.MEDIUM, "warning: ") + warning);
        }
        out.println();
        if (!inventory.osSupport().scannable()) {
            out.println(paint(Severity.HIGH, "NOT SCANNED: ")
                    + inventory.osSupport().reason());
            out.println("Vulnerabilities were not checked; this is not a clean result. "
                    + inventory.packages().size() + " packages were found.");
            out.flush();
            return;
        }
        List<PackageVulnerability> matches = result.vulnerabilities();
        if (matches.isEmpty()) {
            out.println("No known vulnerabilities in " + inventory.packages().size() + " packages.");
            out.flush();
            return;
        }
        String[] header = {"PACKAGE", "INSTALLED", "VULNERABILITY", "SEVERITY", "FIXED IN", "TITLE"};
        List<String[]> rows = new ArrayList<>();
        String previous = "";
        for (PackageVulnerability match : matches) {
            String name = match.pkg().name();
            rows.add(new String[] {
                name.equals(previous) ? "" : name,
                name.equals(previous) ? "" : match.pkg().evr(),
                match.vulnerability().id(),
                match.severity().name(),
                fix(match),
                match.vulnerability().summary() == null
                        ? ""
                        : match.vulnerability().summary()
            });
            previous = name;
        }
        int[] widths = new int[header.length];
        for (int column = 0; column < header.length; column++) {
            widths[column] = header[column].length();
            for (String[] row : rows) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        widths[0] = Math.min(widths[0], 32);
        widths[1] = Math.min(widths[1], 28);
        widths[4] = Math.min(widths[4], 28);
        int used = 0;
        for (int column = 0; column < header.length - 1; column++) {
            used += widths[column] + 2;
        }
        widths[5] = Math.max(10, Math.min(widths[5], width - used));
        out.println(bold(line(header, widths, null)));
        for (int i = 0; i < rows.size(); i++) {
            out.println(line(rows.get(i), widths, matches.get(i).severity()));
        }
        out.println();
        out.println(summary(matches, inventory.packages().size()));
        out.flush();
    }

    private static String describeOs(Inventory inventory) {
        return inventory.os() == null ? "unknown OS" : inventory.os().prettyName();
    }

    static String fix(PackageVulnerability match) {
        return switch (match.fixState()) {
            case FIXED -> match.fixedVersion() == null ? "fixed" : match.fixedVersion();
            case NOT_FIXED -> "no fix available";
            case WONT_FIX -> "will not fix";
            case UNKNOWN -> "unknown";
        };
    }

    private String line(String[] cells, int[] widths, @Nullable Severity severity) {
        StringBuilder out = new StringBuilder();
        for (int column = 0; column < cells.length; column++) {
            String cell = truncate(cells[column], widths[column]);
            String padded = column == cells.length - 1 ? cell : pad(cell, widths[column]) + "  ";
            out.append(column == 3 && severity != null ? paint(severity, pad(cell, widths[column])) + "  " : padded);
        }
        return out.toString().stripTrailing();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String truncate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, Math.max(0, width - 1)) + "…";
    }

    /** {@code Total: 42 (CRITICAL: 1, HIGH: 7, ...) in 312 packages}. */
    public static String summary(List<PackageVulnerability> matches, int packages) {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (PackageVulnerability match : matches) {
            counts.merge(match.severity(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        for (Severity severity : List.of(
                Severity.CRITICAL,
                Severity.HIGH,
                Severity.MEDIUM,
                Severity.LOW,
                Severity.NEGLIGIBLE,
                Severity.UNKNOWN)) {
            parts.add(severity.name() + ": " + counts.getOrDefault(severity, 0));
        }
        long fixable = matches.stream()
                .filter(match -> match.fixState() == FixState.FIXED)
                .count();
        return "Total: " + matches.size() + " (" + String.join(", ", parts) + ") in " + packages + " packages; "
                + fixable + " fixable";
    }

    private String bold(String text) {
        return color ? BOLD + text + RESET : text;
    }

    private String paint(Severity severity, String text) {
        if (!color) {
            return text;
        }
        String code = switch (severity) {
            case CRITICAL -> "\033[1;31m";
            case HIGH -> "\033[31m";
            case MEDIUM -> "\033[33m";
            case LOW -> "\033[34m";
            case NEGLIGIBLE, UNKNOWN -> "\033[37m";
        };
        return code + text + RESET;
    }
}
