package vigil.threats.sensor.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.collect.SpoolPolicy;
import vigil.model.batch.SectionType;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;
import vigil.threats.sensor.signal.SignalMaker;
import vigil.threats.sensor.signal.ThreatPipeline;

/** The collector's sections: signals when there are some, the sensor's status when it changed or once a minute. */
class SignalCollectorTest {
    private static final FieldCatalog CATALOG = FieldCatalog.linux();

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void sectionsCarrySignalsAndTheStatusIsSentWhenItChangesOrOnceAMinute(@TempDir Path data) throws Exception {
        RuleSet rules = new PolicyLoader(
                        CATALOG, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read(
                        "t.policy", "rules:\n  - id: shadow\n    expression: open.file.path == \"/etc/shadow\"\n")));
        MovingClock clock = new MovingClock();
        ThreatPipeline pipeline = new ThreatPipeline(
                rules,
                ThreatPipeline.Options.defaults(),
                Path.of("/proc"),
                Path.of("/etc"),
                SignalMaker.Images.NONE,
                clock);
        SignalCollector collector = new SignalCollector(pipeline, data, clock, line -> {});
        assertThat(collector.section()).isEqualTo(SectionType.SIGNALS);
        assertThat(collector.policy()).as("signals are never superseded").isEqualTo(SpoolPolicy.KEEP);

        // not started: the first section says the sensor is off, and why
        List<ObjectNode> first = collector.collect();
        assertThat(first).hasSize(1);
        assertThat(first.getFirst().path("sensor").path("state").asString()).isEqualTo("off");
        assertThat(first.getFirst().path("signals")).isEmpty();
        assertThat(Files.readString(data.resolve("threats-status.json"))).contains("\"state\":\"off\"");
        assertThat(collector.collect()).as("nothing new within the minute").isEmpty();

        Map<String, Object> fields = Map.of(
                "process.pid", BigInteger.valueOf(ProcessHandle.current().pid()),
                "process.file.path", "/usr/bin/cat",
                "process.comm", "cat",
                "open.file.path", "/etc/shadow");
        pipeline.evaluate(new EventBuilder(CATALOG).build("open", fields));
        List<ObjectNode> withSignal = collector.collect();
        assertThat(withSignal).hasSize(1);
        assertThat(withSignal.getFirst().path("signals")).hasSize(1);
        assertThat(withSignal.getFirst().path("signals").get(0).path("rule_id").asString())
                .isEqualTo("shadow");

        clock.now = clock.now.plus(Duration.ofSeconds(61));
        assertThat(collector.collect()).as("the status, once a minute").hasSize(1);
        collector.close();
    }
}
