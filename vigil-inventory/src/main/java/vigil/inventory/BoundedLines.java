package vigil.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a text file, each cut at a maximum length while it is read: a line longer than that is consumed to
 * its end without being kept, and returned marked {@link Line#tooLong()} with its first bytes for the message. So
 * a 500 MB line costs a scan of 500 MB, never 500 MB of memory.
 */
public final class BoundedLines {
    /** One line: its number from 1, its text (its start, when too long) and its length in bytes. */
    public record Line(int number, String text, long length, boolean tooLong) {}

    private static final int PREVIEW = 60;

    private final InputStream input;
    private final int maxLength;
    private static final int MAX_CHUNK = 64 << 10;
    /**
     * Starts small and doubles while reads fill it, up to 64 KiB: a scan reads a few hundred small files (dpkg's
     * file lists) and a 64 KiB buffer for each was the largest share of what a scan allocated.
     */
    private byte[] chunk = new byte[4 << 10];

    private int chunkStart;
    private int chunkEnd;
    private byte[] line = new byte[256];
    private int number;
    private boolean ended;

    public BoundedLines(InputStream input, int maxLength) {
        this.input = input;
        this.maxLength = maxLength;
    }

    /** Lines of a text already in memory (tests, fuzzing, small files). */
    public static BoundedLines of(String text, int maxLength) {
        return new BoundedLines(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLength);
    }

    /** The next line without its {@code \n} or {@code \r\n}; null at the end of the file. */
    public @Nullable Line next() throws IOException {
        return next(false);
    }

    /** The text of a continuation line whose text was not wanted (see {@link #next(boolean)}). */
    public static final String UNREAD_CONTINUATION = " .";

    /**
     * The next line; with {@code continuationUnread}, a line that starts with a space or a tab and is not blank (a
     * continuation in a dpkg or apk database) comes with the text {@link #UNREAD_CONTINUATION} instead of its own: a
     * reader that skips a long field's continuations does not decode them (most of the lines of dpkg's status are
     * descriptions).
     */
    public @Nullable Line next(boolean continuationUnread) throws IOException {
        if (ended) {
            return null;
        }
        int kept = 0;
        long length = 0;
        boolean sawAny = false;
        while (true) {
            if (chunkStart == chunkEnd) {
                if (chunkEnd == chunk.length && chunk.length < MAX_CHUNK) {
                    chunk = new byte[chunk.length * 2];
                }
                int read = input.read(chunk, 0, chunk.length);
                if (read < 0) {
                    ended = true;
                    if (!sawAny) {
                        return null;
                    }
                    break;
                }
                chunkStart = 0;
                chunkEnd = read;
                continue;
            }
            sawAny = true;
            int newline = -1;
            for (int i = chunkStart; i < chunkEnd; i++) {
                if (chunk[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline < 0 ? chunkEnd : newline;
            int count = end - chunkStart;
            int room = (int) Math.min(count, Math.max(0, (long) maxLength + 1 - kept));
            if (room > 0) {
                if (kept + room > line.length) {
                    line = Arrays.copyOf(line, Math.max(kept + room, Math.min(line.length * 2, maxLength + 1)));
                }
                System.arraycopy(chunk, chunkStart, line, kept, room);
                kept += room;
            }
            length += count;
            if (newline < 0) {
                chunkStart = chunkEnd;
                continue;
            }
            chunkStart = newline + 1;
            break;
        }
        number++;
        if (kept > 0 && line[kept - 1] == '\r' && length <= maxLength + 1) {
            kept--;
            length--;
        }
        if (length > maxLength) {
            return new Line(
                    number,
                    preview(new String(line, 0, Math.min(kept, PREVIEW), StandardCharsets.UTF_8)),
                    length,
                    true);
        }
        if (continuationUnread && kept > 0 && (line[0] == ' ' || line[0] == '\t') && hasVisibleAscii(kept)) {
            return new Line(number, UNREAD_CONTINUATION, length, false);
        }
        return new Line(number, new String(line, 0, kept, StandardCharsets.UTF_8), length, false);
    }

    /** Whether the kept line has a visible ASCII character: it is not blank, as the decoded text would not be. */
    private boolean hasVisibleAscii(int kept) {
        for (int i = 0; i < kept; i++) {
            if (line[i] > ' ' && line[i] < 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * How to name a line in messages: its start, abbreviated, control characters shown as {@code ?} (a hostile file
     * must not write escape sequences to the terminal that shows the warning).
     */
    public static String preview(String text) {
        String start = text.length() > PREVIEW ? text.substring(0, PREVIEW) + "..." : text;
        StringBuilder shown = new StringBuilder(start.length());
        start.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return shown.toString();
    }
}
