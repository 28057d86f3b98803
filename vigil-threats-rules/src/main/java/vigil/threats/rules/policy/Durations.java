package vigil.threats.rules.policy;

/** Durations as policies write them: nanoseconds as an integer, or Go's notation ({@code 1h30m}, {@code 500ms}). */
final class Durations {
    private Durations() {}

    static long nanos(String text) {
        String value = text.trim();
        if (value.matches("\\d{1,19}")) {
            return Long.parseLong(value);
        }
        if (!value.matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+")) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 10s, 1h30m or 500ms");
        }
        java.util.regex.Matcher part = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)")
                .matcher(value);
        double total = 0;
        while (part.find()) {
            double amount = Double.parseDouble(part.group(1));
            total += amount
                    * switch (part.group(2)) {
                        case "ns" -> 1;
                        case "us", "µs" -> 1_000;
                        case "ms" -> 1_000_000;
                        case "s" -> 1_000_000_000L;
                        case "m" -> 60_000_000_000L;
                        default -> 3_600_000_000_000L;
                    };
        }
        if (total > Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return (long) total;
    }
}
