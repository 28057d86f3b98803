package vigil.misconfigurations.wing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.misconfigurations.wing.PostureReader;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

/**
 * Posture sections are untrusted: a section read, or a 400 naming what is wrong, never anything else. Fuzzed as any
 * JSON the intake could carry (the core's IntakeFuzzTest fuzzes the envelope around it).
 */
class PostureReaderFuzzTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "10s")
    void sections(byte[] input) {
        JsonNode body;
        try {
            body = JSON.readTree(input);
        } catch (JacksonException notJson) {
            return;
        }
        if (body == null || !body.isObject()) {
            return;
        }
        try {
            PostureReader.Read read = PostureReader.read(new Intake.Section(0, "posture", body));
            assertThat(read.verdicts().size()).isLessThanOrEqualTo(PostureReader.MAX_VERDICTS);
        } catch (IntakeException expected) {
            assertThat(expected.status()).isEqualTo(400);
            assertThat(expected.getMessage()).startsWith("posture section 0");
        }
    }
}
