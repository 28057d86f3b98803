package vigil.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLinesTest {
    private static List<String> texts(String text, boolean continuationUnread) throws IOException {
        BoundedLines lines = BoundedLines.of(text, 100);
        List<String> read = new ArrayList<>();
        BoundedLines.Line line;
        while ((line = lines.next(continuationUnread)) != null) {
            read.add(line.text());
        }
        return read;
    }

    @Test
    void continuationsAreLeftUndecodedOnlyWhenAskedAndNeverABlankLine() throws IOException {
        String text = "Field: v\n cont\n\tcont2\n  \n \t\r\n\nx\n \u00e9\n";
        assertThat(texts(text, false)).containsExactly("Field: v", " cont", "\tcont2", "  ", " \t", "", "x", " \u00e9");
        // blank lines end a dpkg record: they are decoded as they are; so is a continuation without visible ASCII
        assertThat(texts(text, true))
                .containsExactly(
                        "Field: v",
                        BoundedLines.UNREAD_CONTINUATION,
                        BoundedLines.UNREAD_CONTINUATION,
                        "  ",
                        " \t",
                        "",
                        "x",
                        " \u00e9");
        assertThat(BoundedLines.UNREAD_CONTINUATION).isNotBlank().startsWith(" ");
    }

    @Test
    void aTooLongContinuationIsStillReportedAsTooLong() throws IOException {
        BoundedLines lines = BoundedLines.of(" " + "a".repeat(500) + "\n", 100);
        BoundedLines.Line line = lines.next(true);
        assertThat(line).isNotNull();
        assertThat(line.tooLong()).isTrue();
        assertThat(line.length()).isEqualTo(501);
    }
}
