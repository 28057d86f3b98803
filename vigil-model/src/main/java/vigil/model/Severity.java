package vigil.model;

import java.util.Locale;

/** Severity of a finding, ordered from least to most severe. */
public enum Severity {
    UNKNOWN,
    NEGLIGIBLE,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    /** Parses the usual spellings of distribution and CVSS severities ("Important", "moderate", "negligible"). */
    public static Severity parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "high", "important" -> HIGH;
            case "medium", "moderate" -> MEDIUM;
            case "low" -> LOW;
            case "negligible", "none", "unimportant", "informational", "info" -> NEGLIGIBLE;
            default -> UNKNOWN;
        };
    }

    /** The CVSS v3/v4 qualitative rating of a base score. */
    public static Severity fromCvssScore(double score) {
        if (score >= 9.0) {
            return CRITICAL;
        } else if (score >= 7.0) {
            return HIGH;
        } else if (score >= 4.0) {
            return MEDIUM;
        } else if (score > 0.0) {
            return LOW;
        }
        return NEGLIGIBLE;
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
}
