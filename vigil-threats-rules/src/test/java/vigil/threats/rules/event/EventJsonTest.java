package vigil.threats.rules.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Events written as JSON lines read back as the same events (what recordings of the sensor rely on). */
class EventJsonTest {
    private final EventJson json = new EventJson(FieldCatalog.linux());

    @Test
    void aWrittenEventReadsBackTheSame() throws Exception {
        String line = "{\"type\":\"open\",\"fields\":{\"event.timestamp\":1780000000000000000,"
                + "\"open.file.path\":\"/etc/shadow\",\"open.flags\":65,\"process.pid\":4242,"
                + "\"process.ancestors.file.name\":[\"bash\",\"sshd\"],\"process.is_kworker\":false}}";
        Event event = json.parse(line);
        String written = json.write(event);
        assertThat(written)
                .contains("\"type\":\"open\"")
                .contains("\"open.file.path\":\"/etc/shadow\"")
                .contains("\"process.ancestors.file.name\":[\"bash\",\"sshd\"]")
                .contains("\"open.flags\":65");
        assertThat(json.write(json.parse(written))).isEqualTo(written);
    }

    @Test
    void ipFieldsAreWrittenAsText() throws Exception {
        Event event = json.parse("{\"type\":\"connect\",\"fields\":{\"connect.addr.ip\":\"169.254.169.254\","
                + "\"connect.addr.port\":80}}");
        assertThat(json.write(event)).contains("\"connect.addr.ip\":\"169.254.169.254");
        assertThat(json.write(json.parse(json.write(event)))).isEqualTo(json.write(event));
    }

    @Test
    void badLinesAreNamed() {
        assertThatThrownBy(() -> json.parse("[1]")).hasMessageContaining("a JSON object");
        assertThatThrownBy(() -> json.parse("{\"type\":\"nope\"}")).hasMessageContaining("unknown event type");
    }
}
