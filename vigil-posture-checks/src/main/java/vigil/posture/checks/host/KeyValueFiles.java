package vigil.posture.checks.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The simple configuration formats: {@code KEY value} (login.defs) and {@code key = value} (sysctl.d). */
final class KeyValueFiles {
    private KeyValueFiles() {}

    /** login.defs: {@code KEY value}, {@code #} comments; the last definition of a key wins, as shadow-utils reads. */
    static Map<String, String> loginDefs(List<String> lines) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            settings.put(parts[0], parts.length > 1 ? parts[1].strip() : "");
        }
        return settings;
    }

    /** One {@code key = value} of a sysctl file, with the file and line it came from. */
    record Definition(String key, String value, String source) {}

    /**
     * sysctl.d syntax: {@code key = value}, keys with {@code /} or {@code .} separators (written here with dots),
     * {@code #} and {@code ;} comments, a leading {@code -} (ignore failures) dropped.
     */
    static List<Definition> sysctl(String file, List<String> lines) {
        List<Definition> definitions = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String key = line.substring(0, equals).strip();
            if (key.startsWith("-")) {
                key = key.substring(1).strip();
            }
            definitions.add(new Definition(
                    key.replace('/', '.'), line.substring(equals + 1).strip(), file + ":" + (i + 1)));
        }
        return definitions;
    }
}
