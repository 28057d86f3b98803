package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageMemoTest {
    private static String id(int n) {
        return HexFormat.of().toHexDigits((long) n).repeat(4);
    }

    @Test
    void asksOnceAnIdThenForgetsTheLeastRecentlyUsedBeyondItsBound() {
        List<String> asked = new ArrayList<>();
        ImageMemo memo = new ImageMemo(true);
        for (int i = 0; i <= ImageMemo.MAX_CACHED; i++) {
            assertThat(memo.image(id(i), id -> {
                        asked.add(id);
                        return "image-" + id.substring(0, 4);
                    }))
                    .isNotNull();
        }
        memo.image(id(ImageMemo.MAX_CACHED), id -> {
            asked.add(id);
            return null;
        });
        assertThat(asked).as("each asked once").hasSize(ImageMemo.MAX_CACHED + 1);
        memo.image(id(0), id -> {
            asked.add(id);
            return null;
        });
        assertThat(asked).as("the first one dropped, asked again").hasSize(ImageMemo.MAX_CACHED + 2);
    }

    @Test
    void missesAreRememberedOnlyWhenAskedToAndOtherIdsNeverAsked() {
        List<String> asked = new ArrayList<>();
        ImageMemo remembering = new ImageMemo(true);
        ImageMemo forgetting = new ImageMemo(false);
        for (ImageMemo memo : List.of(remembering, forgetting)) {
            for (int i = 0; i < 2; i++) {
                assertThat(memo.image(id(7), id -> {
                            asked.add(id);
                            return null;
                        }))
                        .isNull();
            }
        }
        assertThat(asked).as("once remembered, twice forgotten").hasSize(3);
        assertThat(remembering.image("../../etc/passwd", id -> {
                    throw new AssertionError("asked " + id);
                }))
                .isNull();
    }
}
