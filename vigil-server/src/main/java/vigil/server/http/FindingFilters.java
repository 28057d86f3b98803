package vigil.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import vigil.model.Severity;

/**
 * The status and severity filters as the API and the web UI both read them: comma-separated lists
 * ({@code status=open,muted}, {@code severity=critical,high}); {@code all} or nothing is every status. A value that
 * is not one of them is refused with a message that names it and lists the valid ones.
 */
public final class FindingFilters {
    private static final List<String> STATUSES = List.of("open", "muted", "resolved");

    private FindingFilters() {}

    /** The lists read, or the error to answer (400). */
    public record Parsed(
            List<String> statuses,
            List<Severity> severities,
            @Nullable String error) {
        public Parsed {
            statuses = List.copyOf(statuses);
            severities = List.copyOf(severities);
        }
    }

    public static Parsed parse(@Nullable String status, @Nullable String severity) {
        List<String> statuses = new ArrayList<>();
        for (String value : csv(status)) {
            if (value.equals("all")) {
                continue;
            }
            if (!STATUSES.contains(value)) {
                return new Parsed(
                        List.of(),
                        List.of(),
                        "unknown status '" + value + "'; use open, muted, resolved or all, or several separated by"
                                + " commas (status=open,muted)");
            }
            if (!statuses.contains(value)) {
                statuses.add(value);
            }
        }
        if (csv(status).contains("all")) {
            statuses.clear();
        }
        List<Severity> severities = new ArrayList<>();
        for (String value : csv(severity)) {
            Severity parsed;
            try {
                parsed = Severity.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return new Parsed(
                        List.of(),
                        List.of(),
                        "unknown severity '" + value + "'; use critical, high, medium, low, negligible or unknown, or"
                                + " several separated by commas (severity=critical,high)");
            }
            if (!severities.contains(parsed)) {
                severities.add(parsed);
            }
        }
        return new Parsed(statuses, severities, null);
    }

    private static List<String> csv(@Nullable String value) {
        List<String> values = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return values;
    }
}
