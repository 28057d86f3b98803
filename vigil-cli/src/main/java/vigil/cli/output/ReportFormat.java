package vigil.cli.output;

import java.util.Locale;

/** The formats of {@code --format}. */
public enum ReportFormat {
    TABLE,
    JSON,
    CYCLONEDX,
    SPDX,
    SARIF;

    public static ReportFormat parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a report format; use table, json, cyclonedx, spdx or sarif");
        }
    }
}
