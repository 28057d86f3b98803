package vigil.threats.wing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.Severity;
import vigil.server.intake.Intake;
import vigil.spi.intake.IntakeException;

/** The signals section read as docs/threats-signals.md defines it: the document's own examples, every field checked. */
class SignalReaderTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The two JSON examples of docs/threats-signals.md, the signal put into the section. */
    static ObjectNode documented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "threats-signals.md"));
        Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(blocks.find()).isTrue();
        ObjectNode section = (ObjectNode)
                JSON.readTree(blocks.group(1).replace("{ \"...\": \"one object per signal, below\" }", "{}"));
        assertThat(blocks.find()).isTrue();
        ObjectNode signal = (ObjectNode) JSON.readTree(blocks.group(1));
        section.putArray("signals").add(signal);
        return section;
    }

    static SignalReader.Read read(JsonNode body) throws IntakeException {
        return SignalReader.read(new Intake.Section(2, "signals", body), "web-1");
    }

    @Test
    void theDocumentedSectionReadsWhole() throws Exception {
        SignalReader.Read read = read(documented());
        Sensor sensor = read.sensor();
        assertThat(sensor).isNotNull();
        assertThat(sensor.state()).isEqualTo("running");
        assertThat(sensor.hooks()).hasSize(3);
        assertThat(sensor.lost()).containsEntry("open", 12L);
        assertThat(sensor.lostTotal()).isEqualTo(12);
        assertThat(sensor.approverDrops()).isEqualTo(98765);
        assertThat(sensor.suppressed()).isEqualTo(40);
        Signal signal = read.signals().getFirst();
        assertThat(signal.id()).isEqualTo("5f0b3c1e-2a8c-4a8e-9d0e-3b1f0c6d7a21");
        assertThat(signal.severity()).isEqualTo(Severity.HIGH);
        assertThat(signal.processPath()).isEqualTo("/usr/bin/cat");
        assertThat(signal.containerImage()).isEqualTo("nginx:1.27");
        var evidence = signal.evidence();
        assertThat(evidence.at()).isEqualTo(Instant.parse("2026-12-07T12:00:01.123456789Z"));
        assertThat(evidence.lastTime()).isEqualTo(Instant.parse("2026-12-07T12:00:04.000000001Z"));
        assertThat(evidence.count()).isEqualTo(3);
        assertThat(evidence.ancestors())
                .singleElement()
                .satisfies(a -> assertThat(a.executable()).isEqualTo("/usr/bin/bash"));
        assertThat(evidence.process().ppid()).isEqualTo(4200L);
        assertThat(evidence.process().group()).isEqualTo("root");
        assertThat(evidence.workload().containerRuntime()).isEqualTo("docker");
        assertThat(evidence.workload().host()).isEqualTo("web-1");
        assertThat(evidence.file().operation()).isEqualTo("open_read");
        assertThat(evidence.connection()).isNull();
        assertThat(evidence.fields()).containsEntry("open.flags", "0").containsEntry("open.file.path", "/etc/shadow");
        assertThat(evidence.actions())
                .singleElement()
                .satisfies(a -> assertThat(a.result()).isEqualTo("done"));
        assertThat(evidence.mitreTactic()).isEqualTo("TA0006");
        assertThat(evidence.signalId()).isEqualTo(signal.id());
    }

    @Test
    void aSectionMayCarryOnlyTheSensorOrNothing() throws Exception {
        ObjectNode section = documented();
        section.remove("signals");
        assertThat(read(section).signals()).isEmpty();
        assertThat(read(JSON.createObjectNode().put("type", "signals")).sensor())
                .isNull();
    }

    @Test
    void everyRequiredFieldIsNamedWhenMissing() throws Exception {
        for (String field : List.of("id", "rule_id", "severity", "time", "event_type", "process", "event")) {
            ObjectNode section = documented();
            ((ObjectNode) section.path("signals").get(0)).remove(field);
            assertRefused(section, "signals section 2, signal 0: \"" + field + "\" must be");
        }
        for (String field : List.of("path", "comm")) {
            ObjectNode section = documented();
            ((ObjectNode) section.path("signals").get(0).path("process")).remove(field);
            assertRefused(section, "signal 0, process: \"" + field + "\"");
        }
        ObjectNode container = documented();
        ((ObjectNode) container.path("signals").get(0).path("container")).remove("id");
        assertRefused(container, "container: \"id\"");
        ObjectNode ancestor = documented();
        ((ObjectNode) ancestor.path("signals").get(0).path("ancestors").get(0)).remove("path");
        assertRefused(ancestor, "ancestors[0]: \"path\"");
        // an ancestor whose executable is unknown (a kernel thread, one gone before it was read): empty, accepted
        ObjectNode unknownPath = documented();
        ((ObjectNode) unknownPath.path("signals").get(0).path("ancestors").get(0)).put("path", "");
        assertThat(read(unknownPath).signals()).hasSize(1);
        ObjectNode sensor = documented();
        ((ObjectNode) sensor.path("sensor")).remove("state");
        assertRefused(sensor, "sensor: \"state\"");
    }

    @Test
    void valuesOutOfRangeAreNamed() throws Exception {
        assertRefused(set("severity", "scary"), "\"severity\" must be one of critical");
        assertRefused(set("id", "not an id!"), "\"id\" must be");
        assertRefused(set("time", "yesterday"), "\"time\" must be an RFC 3339 time");
        assertRefused(set("last_time", "2026-12-07T11:00:00Z"), "\"last_time\" must be at or after");
        assertRefused(set("count", 0), "\"count\" must be a whole number from 1");
        ObjectNode result = documented();
        ((ObjectNode) result.path("signals").get(0).path("actions").get(0)).put("result", "maybe");
        assertRefused(result, "actions[0]: \"result\" must be one of");
        ObjectNode state = documented();
        ((ObjectNode) state.path("sensor")).put("state", "sleeping");
        assertRefused(state, "sensor: \"state\" must be one of");
        ObjectNode port = documented();
        ((ObjectNode) port.path("signals").get(0))
                .putObject("connection")
                .put("protocol", "tcp")
                .put("source_address", "10.0.0.1")
                .put("source_port", 70000)
                .put("destination_address", "10.0.0.2")
                .put("destination_port", 443);
        assertRefused(port, "connection: \"source_port\" must be a whole number from 0 to 65535");
        ObjectNode nested = documented();
        ((ObjectNode) nested.path("signals").get(0).path("event"))
                .putObject("deep")
                .put("x", 1);
        assertRefused(nested, "\"event.deep\" must be a string, number, boolean or an array of those");
    }

    @Test
    void hostileSizesAreRefused() throws Exception {
        ObjectNode many = documented();
        ArrayNode signals = (ArrayNode) many.path("signals");
        JsonNode one = signals.get(0);
        for (int i = 0; i < SignalReader.MAX_SIGNALS; i++) {
            signals.add(one);
        }
        assertRefused(many, "\"signals\" must be an array of at most 1000 signals");
        assertRefused(set("rule_id", "r".repeat(257)), "\"rule_id\" must be a string of 1 to 256");
        assertRefused(set("rule_description", "d".repeat(1025)), "\"rule_description\"");
        ObjectNode path = documented();
        ((ObjectNode) path.path("signals").get(0).path("process")).put("path", "/".repeat(4097));
        assertRefused(path, "process: \"path\" must be a string of at most 4096");
        ObjectNode args = documented();
        ((ObjectNode) args.path("signals").get(0).path("process")).put("args", "a".repeat(4097));
        assertRefused(args, "process: \"args\"");
        ObjectNode ancestors = documented();
        ArrayNode lineage = (ArrayNode) ancestors.path("signals").get(0).path("ancestors");
        for (int i = 0; i < 32; i++) {
            lineage.add(lineage.get(0));
        }
        assertRefused(ancestors, "\"ancestors\" must be an array of at most 32");
        ObjectNode fields = documented();
        ObjectNode event = (ObjectNode) fields.path("signals").get(0).path("event");
        for (int i = 0; i < 128; i++) {
            event.put("f" + i, i);
        }
        assertRefused(fields, "\"event\" must be an object of at most 128 fields");
        ObjectNode value = documented();
        ((ObjectNode) value.path("signals").get(0).path("event")).put("open.file.path", "x".repeat(4097));
        assertRefused(value, "\"event.open.file.path\" must be a string of at most 4096");
        ObjectNode hooks = documented();
        ArrayNode hookList = (ArrayNode) hooks.path("sensor").path("hooks");
        for (int i = 0; i < 64; i++) {
            hookList.add("h" + i);
        }
        assertRefused(hooks, "sensor: \"hooks\" must be an array of at most 64");
        assertRefused(JSON.createObjectNode().put("signals", "many"), "\"signals\" must be an array");
    }

    private static ObjectNode set(String field, Object value) throws Exception {
        ObjectNode section = documented();
        ObjectNode signal = (ObjectNode) section.path("signals").get(0);
        signal.set(field, JSON.valueToTree(value));
        return section;
    }

    private static void assertRefused(JsonNode section, String message) {
        assertThatThrownBy(() -> read(section))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((IntakeException) e).status()).isEqualTo(400));
    }
}
