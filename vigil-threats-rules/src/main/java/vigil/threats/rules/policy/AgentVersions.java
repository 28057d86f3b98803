package vigil.threats.rules.policy;

/**
 * A rule's {@code agent_version} constraint ({@code >=7.68}, {@code >= 7.36, < 7.40}) checked against a version:
 * comma- or space-separated comparisons, all of which must hold; versions compared number by number.
 */
final class AgentVersions {
    private AgentVersions() {}

    /** Whether {@code version} satisfies {@code constraint}; throws IllegalArgumentException when it is not one. */
    static boolean satisfies(String constraint, String version) {
        String text = constraint.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty agent_version constraint");
        }
        String[] parts = text.split("\\s*,\\s*|\\s+(?=[<>=!])");
        for (String part : parts) {
            String trimmed = part.replace(" ", "");
            String op = trimmed.startsWith(">=")
                            || trimmed.startsWith("<=")
                            || trimmed.startsWith("!=")
                            || trimmed.startsWith("==")
                    ? trimmed.substring(0, 2)
                    : trimmed.startsWith(">") || trimmed.startsWith("<") || trimmed.startsWith("=")
                            ? trimmed.substring(0, 1)
                            : "=";
            String wanted = trimmed.substring(op.equals("=") && !trimmed.startsWith("=") ? 0 : op.length());
            int compared = compare(version, wanted);
            boolean holds = switch (op) {
                case ">=" -> compared >= 0;
                case "<=" -> compared <= 0;
                case ">" -> compared > 0;
                case "<" -> compared < 0;
                case "!=" -> compared != 0;
                default -> compared == 0;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    static int compare(String left, String right) {
        int[] a = numbers(left);
        int[] b = numbers(right);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int[] numbers(String version) {
        String core = version.trim().replaceFirst("^v", "").split("[-+]", 2)[0];
        if (!core.matches("\\d+(\\.\\d+){0,3}")) {
            throw new IllegalArgumentException("'" + version + "' is not a version such as 7.68 or 7.68.1");
        }
        String[] parts = core.split("\\.");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }
}
