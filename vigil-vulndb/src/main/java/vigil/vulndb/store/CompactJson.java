package vigil.vulndb.store;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.model.CvssScore;
import vigil.vulndb.AffectedPackage;

/**
 * Reads the column shapes {@link StoreJson} writes (lists of strings, version ranges and CVSS scores) exactly as
 * written: no white space, strings with JSON escapes. A scan reads tens of thousands of these; a Jackson parser for
 * each was a tenth of a warm scan. Anything else (white space, a number, {@code null}, a field a later Vigil wrote)
 * answers null, and {@link StoreJson} reads the column with Jackson, which also names a damaged one.
 */
final class CompactJson {
    private final String text;
    private int at;

    private CompactJson(String text) {
        this.text = text;
    }

    static @Nullable List<String> strings(String json) {
        CompactJson in = new CompactJson(json);
        if (!in.take('[')) {
            return null;
        }
        List<String> values = new ArrayList<>(2);
        if (in.take(']')) {
            return in.atEnd() ? values : null;
        }
        do {
            String value = in.string();
            if (value == null) {
                return null;
            }
            values.add(value);
        } while (in.take(','));
        return in.take(']') && in.atEnd() ? values : null;
    }

    static @Nullable List<AffectedPackage.VersionRange> ranges(String json) {
        CompactJson in = new CompactJson(json);
        if (!in.take('[')) {
            return null;
        }
        List<AffectedPackage.VersionRange> ranges = new ArrayList<>(2);
        if (in.take(']')) {
            return in.atEnd() ? ranges : null;
        }
        do {
            if (!in.take('{')) {
                return null;
            }
            String introduced = null;
            String fixed = null;
            String lastAffected = null;
            if (!in.take('}')) {
                do {
                    String name = in.string();
                    if (name == null || !in.take(':')) {
                        return null;
                    }
                    String value = in.string();
                    if (value == null) {
                        return null;
                    }
                    switch (name) {
                        case "introduced" -> introduced = value;
                        case "fixed" -> fixed = value;
                        case "last_affected" -> lastAffected = value;
                        default -> {
                            return null;
                        }
                    }
                } while (in.take(','));
                if (!in.take('}')) {
                    return null;
                }
            }
            ranges.add(new AffectedPackage.VersionRange(introduced, fixed, lastAffected));
        } while (in.take(','));
        return in.take(']') && in.atEnd() ? ranges : null;
    }

    /**
     * CVSS scores as {@link StoreJson#cvss(List)} writes them; a field it leaves out reads as the tree did ({@code
     * ""}, score 0).
     */
    static @Nullable List<CvssScore> cvss(String json) {
        CompactJson in = new CompactJson(json);
        if (!in.take('[')) {
            return null;
        }
        List<CvssScore> scores = new ArrayList<>(2);
        if (in.take(']')) {
            return in.atEnd() ? scores : null;
        }
        do {
            if (!in.take('{')) {
                return null;
            }
            String version = "";
            String vector = "";
            String source = "";
            double score = 0;
            if (!in.take('}')) {
                do {
                    String name = in.string();
                    if (name == null || !in.take(':')) {
                        return null;
                    }
                    if (name.equals("score")) {
                        Double number = in.number();
                        if (number == null) {
                            return null;
                        }
                        score = number;
                        continue;
                    }
                    String value = in.string();
                    if (value == null) {
                        return null;
                    }
                    switch (name) {
                        case "version" -> version = value;
                        case "vector" -> vector = value;
                        case "source" -> source = value;
                        default -> {
                            return null;
                        }
                    }
                } while (in.take(','));
                if (!in.take('}')) {
                    return null;
                }
            }
            scores.add(new CvssScore(version, vector, score, source));
        } while (in.take(','));
        return in.take(']') && in.atEnd() ? scores : null;
    }

    /** A JSON number ({@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}); null for anything else. */
    private @Nullable Double number() {
        int start = at;
        take('-');
        if (take('0')) {
            if (digits() > 0) {
                return null; // a leading zero JSON refuses
            }
        } else if (digits() == 0) {
            return null;
        }
        boolean integral = true;
        if (take('.')) {
            integral = false;
            if (digits() == 0) {
                return null;
            }
        }
        if (take('e') || take('E')) {
            integral = false;
            if (!take('+')) {
                take('-');
            }
            if (digits() == 0) {
                return null;
            }
        }
        double value = Double.parseDouble(text.substring(start, at));
        return integral && value == 0 ? 0.0 : value; // Jackson reads -0 as the integer 0
    }

    private int digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at - start;
    }

    private boolean take(char expected) {
        if (at < text.length() && text.charAt(at) == expected) {
            at++;
            return true;
        }
        return false;
    }

    private boolean atEnd() {
        return at == text.length();
    }

    /** A JSON string at the cursor, unescaped; null when there is none or it is not well formed. */
    private @Nullable String string() {
        if (!take('"')) {
            return null;
        }
        StringBuilder unescaped = null;
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                String value = unescaped == null
                        ? text.substring(start, at)
                        : unescaped.append(text, start, at).toString();
                at++;
                return value;
            }
            if (c < 0x20) {
                return null;
            }
            if (c != '\\') {
                at++;
                continue;
            }
            if (unescaped == null) {
                unescaped = new StringBuilder(at - start + 16);
            }
            unescaped.append(text, start, at);
            if (at + 1 >= text.length()) {
                return null;
            }
            char escaped = text.charAt(at + 1);
            at += 2;
            switch (escaped) {
                case '"', '\\', '/' -> unescaped.append(escaped);
                case 'n' -> unescaped.append('\n');
                case 'r' -> unescaped.append('\r');
                case 't' -> unescaped.append('\t');
                case 'b' -> unescaped.append('\b');
                case 'f' -> unescaped.append('\f');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        return null;
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(at + i), 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    unescaped.append((char) code);
                    at += 4;
                }
                default -> {
                    return null;
                }
            }
            start = at;
        }
        return null;
    }
}
