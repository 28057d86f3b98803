package vigil.threats.rules.falco;

import java.util.ArrayList;
import java.util.List;

/**
 * A condition's text and where each part of it comes from: a rule's condition may be its own text, appended
 * conditions and exceptions, each from another place of a rules file. Maps an offset back to {@code file:line:col}.
 */
public record SourceText(String text, List<Part> parts) {
    public SourceText {
        parts = List.copyOf(parts);
    }

    /** The part of the text from {@code start} on, written at {@code place}. */
    public record Part(int start, Place place) {}

    /** Where a piece of text is: a file, and a locator of offsets in that piece. */
    public interface Place {
        String locate(int offset);
    }

    public static SourceText of(String text, Place place) {
        return new SourceText(text, List.of(new Part(0, place)));
    }

    /** This text, a space, then {@code more} (how Falco appends conditions). */
    public SourceText append(String separator, SourceText more) {
        List<Part> joined = new ArrayList<>(parts);
        int base = text.length() + separator.length();
        for (Part part : more.parts) {
            joined.add(new Part(base + part.start(), part.place()));
        }
        return new SourceText(text + separator + more.text, joined);
    }

    /** {@code (text) suffix}: the text in parentheses, then a suffix. */
    public SourceText wrapAppend(String open, String middle, SourceText more, String close) {
        List<Part> shifted = new ArrayList<>();
        for (Part part : parts) {
            shifted.add(new Part(part.start() + open.length(), part.place()));
        }
        SourceText wrapped = new SourceText(open + text, shifted);
        SourceText joined = wrapped.append(middle, more);
        return new SourceText(joined.text + close, joined.parts);
    }

    public String locate(int offset) {
        Part found = parts.getFirst();
        for (Part part : parts) {
            if (part.start() <= offset) {
                found = part;
            }
        }
        return found.place().locate(Math.max(0, offset - found.start()));
    }
}
