package vigil.inventory.dpkg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a dpkg control file ({@code status}, a {@code status.d} entry) into stanzas of fields. Continuation lines
 * (starting with a space or tab) extend the previous field; a line that is neither is reported and skipped.
 */
public final class DpkgStatusParser {
    /** One stanza and the line it starts on, for messages. */
    public record Stanza(int line, Map<String, String> fields) {}

    private DpkgStatusParser() {}

    public static List<Stanza> parse(String text, String source, List<String> warnings) {
        List<Stanza> stanzas = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        String lastKey = null;
        int start = 1;
        int lineNumber = 0;
        for (String line : text.split("\\r?\\n", -1)) {
            lineNumber++;
            if (line.isBlank()) {
                if (!fields.isEmpty()) {
                    stanzas.add(new Stanza(start, fields));
                    fields = new LinkedHashMap<>();
                }
                lastKey = null;
                start = lineNumber + 1;
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (lastKey == null) {
                    warnings.add(source + " line " + lineNumber + ": continuation line without a field; skipped");
                } else if (!"Description".equals(lastKey) && !"Conffiles".equals(lastKey)) {
                    fields.merge(lastKey, "\n" + line.strip(), String::concat);
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                warnings.add(source + " line " + lineNumber + ": '" + abbreviate(line)
                        + "' is not a 'Field: value' line; skipped");
                continue;
            }
            lastKey = line.substring(0, colon).strip();
            fields.put(lastKey, line.substring(colon + 1).strip());
        }
        if (!fields.isEmpty()) {
            stanzas.add(new Stanza(start, fields));
        }
        return stanzas;
    }

    static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
