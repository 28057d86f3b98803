package vigil.agent.run;

import java.util.ArrayList;
import java.util.List;

/**
 * What a scan's warnings may say once they leave the machine: the file, the line number and the problem, never text
 * read from a file. Catalogers quote the offending line or field between quotes (a malformed package database line,
 * an unreadable Source field) for the person at the terminal; a hostile image whose database is a link to a host file
 * would otherwise send that file's lines (a password) to the server. So everything from the first quote to the last is
 * withheld, control characters go, each warning is capped, and so is their number.
 */
public final class UploadedWarnings {
    /** At most this many warnings per inventory; the rest are counted. */
    public static final int MAX_WARNINGS = 20;
    /** At most this many characters per warning. */
    public static final int MAX_LENGTH = 200;

    static final String WITHHELD = "[text from the file withheld]";
    private static final String IS_NOT = "' is not a";

    private UploadedWarnings() {}

    public static List<String> of(List<String> warnings) {
        List<String> out = new ArrayList<>();
        for (String warning : warnings.subList(0, Math.min(MAX_WARNINGS, warnings.size()))) {
            out.add(sanitize(warning));
        }
        if (warnings.size() > MAX_WARNINGS) {
            out.add((warnings.size() - MAX_WARNINGS)
                    + " more warnings (scan the target with 'vigil scan' to see them)");
        }
        return out;
    }

    static String sanitize(String warning) {
        StringBuilder text = new StringBuilder(warning.length());
        warning.codePoints()
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c)
                .forEach(text::appendCodePoint);
        String clean = text.toString();
        int first = firstQuote(clean);
        if (first >= 0) {
            // "'<line>' is not a 'Field: value' line": the catalogers' own words after the quoted line stay; the
            // last such phrase is theirs, since the line comes before it
            int problem = clean.lastIndexOf(IS_NOT);
            if (problem > first) {
                clean = clean.substring(0, first) + WITHHELD + clean.substring(problem + 1);
            } else {
                // everything between the outermost quotes goes: a quote inside the quoted text cannot end it early
                int last = lastQuote(clean);
                clean = clean.substring(0, first) + WITHHELD + (last > first ? clean.substring(last + 1) : "");
            }
        }
        if (clean.length() > MAX_LENGTH) {
            int end = MAX_LENGTH - 3;
            if (Character.isHighSurrogate(clean.charAt(end - 1))) {
                end--;
            }
            clean = clean.substring(0, end) + "...";
        }
        return clean;
    }

    private static boolean quote(char c) {
        return c == '\'' || c == '"' || c == '`' || c == '‘' || c == '’' || c == '“' || c == '”';
    }

    private static int firstQuote(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (quote(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastQuote(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (quote(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
