package vigil.inventory.dpkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.inventory.BoundedLines;
import vigil.inventory.LimitedFiles;

/**
 * Splits a dpkg control file ({@code status}, a {@code status.d} entry) into stanzas of fields, streaming: one
 * stanza is held at a time. Continuation lines (starting with a space or tab) extend the previous field; a line
 * that is neither is reported and skipped. A line longer than {@link LimitedFiles#LINE_LIMIT}, or a stanza larger
 * than {@link LimitedFiles#RECORD_LIMIT}, is reported with its line and the whole stanza is skipped: no field of
 * it is kept.
 */
public final class DpkgStatusParser {
    /** One stanza and the line it starts on, for messages. */
    public record Stanza(int line, Map<String, String> fields) {}

    /** Receives each complete stanza. */
    @FunctionalInterface
    public interface StanzaConsumer {
        void accept(Stanza stanza) throws IOException;
    }

    private DpkgStatusParser() {}

    /** Parses a text in memory (tests, fuzzing); the limits are those of a file. */
    public static List<Stanza> parse(String text, String source, List<String> warnings) {
        List<Stanza> stanzas = new ArrayList<>();
        try {
            parse(BoundedLines.of(text, LimitedFiles.LINE_LIMIT), source, warnings, stanzas::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stanzas;
    }

    public static void parse(BoundedLines lines, String source, List<String> warnings, StanzaConsumer out)
            throws IOException {
        Builder stanza = new Builder(1);
        BoundedLines.Line line;
        // the continuations of a field the parser drops are not decoded
        while ((line = lines.next(stanza.dropsContinuations())) != null) {
            if (line.tooLong()) {
                stanza.refuse(source + " line " + line.number() + ": a line of " + line.length()
                        + " bytes, longer than the " + LimitedFiles.LINE_LIMIT + " Vigil reads ('"
                        + BoundedLines.preview(line.text()) + "'); the record is skipped");
                continue;
            }
            String text = line.text();
            if (text.isBlank()) {
                stanza.finish(warnings, out);
                stanza = new Builder(line.number() + 1);
                continue;
            }
            if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                if (stanza.lastKey == null) {
                    if (!stanza.refused()) {
                        warnings.add(
                                source + " line " + line.number() + ": continuation line without a field; skipped");
                    }
                } else if (!stanza.dropsContinuations()) {
                    stanza.append(text.strip(), source, line.number());
                }
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0) {
                warnings.add(source + " line " + line.number() + ": '" + abbreviate(text)
                        + "' is not a 'Field: value' line; skipped");
                continue;
            }
            stanza.put(
                    text.substring(0, colon).strip(), text.substring(colon + 1).strip(), source, line.number());
        }
        stanza.finish(warnings, out);
    }

    static String abbreviate(String text) {
        return BoundedLines.preview(text);
    }

    /** The stanza being read: fields as builders (continuations append in linear time), and its size. */
    private static final class Builder {
        final int start;
        final Map<String, StringBuilder> fields = new LinkedHashMap<>();

        @Nullable
        String lastKey;

        long size;

        @Nullable
        String refusal;

        Builder(int start) {
            this.start = start;
        }

        /** Whether the continuation lines of the current field are dropped (a description, the conffiles). */
        boolean dropsContinuations() {
            return "Description".equals(lastKey) || "Conffiles".equals(lastKey);
        }

        boolean refused() {
            return refusal != null;
        }

        void refuse(String why) {
            if (refusal == null) {
                refusal = why;
            }
            fields.clear();
            lastKey = null;
        }

        void put(String key, String value, String source, int line) {
            if (refused()) {
                return;
            }
            lastKey = key;
            if (grow(key.length() + value.length(), source, line)) {
                fields.put(key, new StringBuilder(value));
            }
        }

        void append(String continuation, String source, int line) {
            if (refused() || lastKey == null) {
                return;
            }
            StringBuilder field = fields.get(lastKey);
            if (field != null && grow(continuation.length() + 1, source, line)) {
                field.append('\n').append(continuation);
            }
        }

        private boolean grow(long by, String source, int line) {
            size += by;
            if (size > LimitedFiles.RECORD_LIMIT) {
                refuse(source + " line " + line + ": the record starting at line " + start + " is larger than the "
                        + LimitedFiles.RECORD_LIMIT + " characters Vigil reads; the record is skipped");
                return false;
            }
            return true;
        }

        void finish(List<String> warnings, StanzaConsumer out) throws IOException {
            if (refusal != null) {
                warnings.add(refusal);
                return;
            }
            if (fields.isEmpty()) {
                return;
            }
            Map<String, String> values = new LinkedHashMap<>();
            fields.forEach((key, value) -> values.put(key, value.toString()));
            out.accept(new Stanza(start, values));
        }
    }
}
