package vigil.misconfigurations.wing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.Severity;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

class PostureReaderTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ObjectNode section() {
        ObjectNode section = JSON.createObjectNode()
                .put("scope", "host")
                .put("benchmark", "linux")
                .put("scanned_at", 1_796_000_000_000L);
        ObjectNode verdict = section.putArray("results")
                .addObject()
                .put("rule_id", "vigil-linux-sshd-permitrootlogin")
                .put("title", "SSH root login is disabled")
                .put("severity", "high")
                .put("status", "fail");
        verdict.putObject("resource")
                .put("type", "linux_sshd_config")
                .put("id", "web-1:/etc/ssh/sshd_config")
                .put("name", "sshd_config");
        verdict.putArray("evidence")
                .addObject()
                .put("field", "settings.permitrootlogin")
                .put("value", "absent");
        verdict.putArray("controls").add("cis-debian-11:5.1.20");
        return section;
    }

    private static PostureReader.Read read(ObjectNode body) throws IntakeException {
        return PostureReader.read(new Intake.Section(2, "posture", body));
    }

    @Test
    void readsADocumentedSection() throws Exception {
        PostureReader.Read read = read(section());
        assertThat(read.scope()).isEqualTo("host");
        assertThat(read.verdicts()).hasSize(1);
        Verdict verdict = read.verdicts().getFirst();
        assertThat(verdict.severity()).isEqualTo(Severity.HIGH);
        assertThat(verdict.evidence()).containsEntry("settings.permitrootlogin", "absent");
        assertThat(verdict.controls()).containsExactly("cis-debian-11:5.1.20");
        assertThat(verdict.expected()).isEmpty();
    }

    @Test
    void refusesWhatItCannotReadNamingTheVerdictAndTheField() {
        ObjectNode badStatus = section();
        ((ObjectNode) badStatus.path("results").get(0)).put("status", "maybe");
        assertThatThrownBy(() -> read(badStatus))
                .isInstanceOf(IntakeException.class)
                .hasMessage("posture section 2, result 0: \"status\" must be one of [pass, fail, unknown, error]");
        ObjectNode noResource = section();
        ((ObjectNode) noResource.path("results").get(0)).remove("resource");
        assertThatThrownBy(() -> read(noResource)).hasMessageContaining("result 0: \"resource\" must be present");
        ObjectNode twice = section();
        twice.withArray("results").add(twice.path("results").get(0).deepCopy());
        assertThatThrownBy(() -> read(twice))
                .hasMessageContaining("result 1: \"rule_id\" must be one verdict per rule and resource");
        ObjectNode scope = section().put("scope", "galaxy");
        assertThatThrownBy(() -> read(scope)).hasMessageContaining("\"scope\" must be one of [host]");
        ObjectNode time = section().put("scanned_at", "yesterday");
        assertThatThrownBy(() -> read(time)).hasMessageContaining("\"scanned_at\" must be present");
        ObjectNode severity = section();
        ((ObjectNode) severity.path("results").get(0)).put("severity", "apocalyptic");
        assertThatThrownBy(() -> read(severity)).hasMessageContaining("\"severity\" must be one of");
    }
}
