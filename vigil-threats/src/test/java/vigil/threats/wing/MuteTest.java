package vigil.threats.wing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MuteTest {
    @Test
    void globsMatchWholeTextsWithStarAndQuestionMark() {
        assertThat(Mute.glob("/usr/bin/cat", "/usr/bin/cat")).isTrue();
        assertThat(Mute.glob("/usr/bin/cat", "/usr/bin/catx")).isFalse();
        assertThat(Mute.glob("/usr/bin/*", "/usr/bin/cat")).isTrue();
        assertThat(Mute.glob("/usr/*/cat", "/usr/local/bin/cat")).isTrue();
        assertThat(Mute.glob("/usr/bin/ca?", "/usr/bin/cat")).isTrue();
        assertThat(Mute.glob("/usr/bin/ca?", "/usr/bin/ca")).isFalse();
        assertThat(Mute.glob("nginx:*", "nginx:1.27")).isTrue();
        assertThat(Mute.glob("a.b(c)[d]+", "a.b(c)[d]+"))
                .as("regex characters are literal")
                .isTrue();
        assertThat(Mute.glob("a.b*", "axb")).isFalse();
    }

    @Test
    void aMuteNamesItsRuleAndOneTarget() throws Exception {
        Signal signal =
                SignalReaderTest.read(SignalReaderTest.documented()).signals().getFirst();
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        assertThat(new Mute("m1", signal.ruleId(), "/usr/bin/*", null, null, "a", now).matches(signal))
                .isTrue();
        assertThat(new Mute("m2", "other", "/usr/bin/*", null, null, "a", now).matches(signal))
                .isFalse();
        assertThat(new Mute("m3", signal.ruleId(), null, "nginx:*", null, "a", now).matches(signal))
                .isTrue();
        assertThat(new Mute("m4", signal.ruleId(), null, "redis:*", null, "a", now).matches(signal))
                .isFalse();
        assertThatThrownBy(() -> new Mute("m5", "r", "/x", "y", null, "a", now))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MuteInput.of("r", null, " ", null)).isInstanceOf(BadInput.class);
    }
}
