package vigil.features.internal;

import java.util.ArrayList;
import java.util.List;

/** Numeric dotted versions as the prerequisites state them ("4.15.0", "1.5.6", "6.18.44-fc-v657" reads 6.18.44). */
public final class DottedVersion {
    private DottedVersion() {}

    public static List<Integer> parse(String version) {
        List<Integer> parts = new ArrayList<>();
        String v = version.startsWith("v") ? version.substring(1) : version;
        for (String part : v.split("\\.")) {
            int end = 0;
            while (end < part.length() && Character.isDigit(part.charAt(end))) {
                end++;
            }
            if (end == 0) {
                break;
            }
            parts.add(Integer.parseInt(part.substring(0, Math.min(end, 9))));
            if (end < part.length()) {
                break; // "44-fc-v657": the rest is not a version component
            }
        }
        return parts;
    }

    public static int compare(String left, String right) {
        List<Integer> a = parse(left);
        List<Integer> b = parse(right);
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int x = i < a.size() ? a.get(i) : 0;
            int y = i < b.size() ? b.get(i) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    public static boolean atLeast(String actual, String minimum) {
        return !parse(actual).isEmpty() && compare(actual, minimum) >= 0;
    }
}
