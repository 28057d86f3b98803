package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * The pipeline behind the sensor, fed events as the sensor's mapper makes them: actions on real processes, signals
 * made, folded and taken, the status. No kernel needed; {@code SignalPipelineIT} runs the same on the real sensor.
 */
class ThreatPipelineTest {
    private static final String POLICY = """
            rules:
              - id: victim_started
                expression: exec.file.name == "vigil-victim"
                tags:
                  severity: critical
                  mitre_tactic: TA0002
                  mitre_technique: T1059
                actions:
                  - kill:
                      signal: SIGKILL
                  - hash: {}
              - id: marks_readers
                expression: open.file.path == "/etc/passwd"
                actions:
                  - set:
                      name: read_passwd
                      scope: process
                      value: true
                silent: true
              - id: shadow_after_passwd
                expression: open.file.path == "/etc/shadow" && ${process.read_passwd}
            """;
    private static final FieldCatalog CATALOG = FieldCatalog.linux();

    private static ThreatPipeline pipeline(boolean enforce) {
        RuleSet rules = new PolicyLoader(
                        CATALOG, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("test.policy", POLICY)));
        return new ThreatPipeline(
                rules,
                new ThreatPipeline.Options(Duration.ofSeconds(30), 100, enforce),
                Path.of("/proc"),
                Path.of("/etc"),
                id -> "registry.example/app:1",
                Clock.systemUTC());
    }

    private static Event event(String type, long pid, Map<String, Object> fields) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("event.timestamp", BigInteger.valueOf(1_796_000_000_000_000_000L));
        all.put("process.pid", BigInteger.valueOf(pid));
        all.put("process.ppid", BigInteger.valueOf(ProcessHandle.current().pid()));
        all.put("process.file.path", "/tmp/vigil-victim");
        all.put("process.comm", "vigil-victim");
        all.put("process.uid", BigInteger.ZERO);
        all.put("process.user", "root");
        all.putAll(fields);
        return new EventBuilder(CATALOG).build(type, all);
    }

    @Test
    void aMatchKillsTheProcessAndMakesOneSignalWithItsTagsAndActions() throws Exception {
        Process victim = new ProcessBuilder("sleep", "60").start();
        ThreatPipeline pipeline = pipeline(true);
        Event exec = event(
                "exec", victim.pid(), Map.of("exec.file.path", "/usr/bin/sleep", "exec.file.name", "vigil-victim"));
        pipeline.evaluate(exec);
        assertThat(victim.waitFor(10, TimeUnit.SECONDS))
                .as("killed by the rule's action")
                .isTrue();
        assertThat(victim.exitValue()).isEqualTo(128 + 9);
        pipeline.evaluate(exec); // the same rule by the same process again: folded, not another signal

        List<Signal> signals = pipeline.take();
        assertThat(signals).hasSize(1);
        Signal signal = signals.getFirst();
        assertThat(signal.ruleId()).isEqualTo("victim_started");
        assertThat(signal.severity()).isEqualTo("critical");
        assertThat(signal.tactic()).isEqualTo("TA0002");
        assertThat(signal.technique()).isEqualTo("T1059");
        assertThat(signal.count()).isEqualTo(2);
        assertThat(signal.process().pid()).isEqualTo(victim.pid());
        assertThat(signal.process().user()).isEqualTo("root");
        assertThat(signal.file()).isEqualTo(new Signal.FileTouch("/usr/bin/sleep", "exec"));
        assertThat(signal.actions()).extracting(Signal.ActionResult::action).containsExactly("kill", "hash");
        assertThat(signal.actions().getFirst().result()).isEqualTo("done");
        // hash: the process is gone by then, so the host's file
        assertThat(signal.actions().get(1).detail()).startsWith("/usr/bin/sleep sha256:");
        // the process's ancestors from the cache: this JVM is the sleeper's parent
        assertThat(signal.ancestors()).isNotEmpty();
        assertThat(pipeline.events()).isEqualTo(2);
        assertThat(pipeline.take()).isEmpty();
    }

    @Test
    void silentRulesSetVariablesThatLaterRulesReadAndReportNothing() throws Exception {
        ThreatPipeline pipeline = pipeline(false);
        long pid = ProcessHandle.current().pid();
        pipeline.evaluate(event("open", pid, Map.of("open.file.path", "/etc/shadow")));
        assertThat(pipeline.take()).as("the variable is not set yet").isEmpty();
        pipeline.evaluate(event("open", pid, Map.of("open.file.path", "/etc/passwd")));
        assertThat(pipeline.take()).as("a silent rule makes no signal").isEmpty();
        pipeline.evaluate(event("open", pid, Map.of("open.file.path", "/etc/shadow", "open.flags", BigInteger.ZERO)));
        List<Signal> signals = pipeline.take();
        assertThat(signals).extracting(Signal::ruleId).containsExactly("shadow_after_passwd");
        assertThat(signals.getFirst().file()).isEqualTo(new Signal.FileTouch("/etc/shadow", "open_read"));
        assertThat(signals.getFirst().severity()).as("no severity tag: medium").isEqualTo("medium");
        assertThat(signals.getFirst().event()).containsEntry("open.file.path", "/etc/shadow");
    }

    @Test
    void theSectionCarriesTheSignalsAndTheStatusAsTheWireFormatSays() throws Exception {
        ThreatPipeline pipeline = pipeline(false);
        Process victim = new ProcessBuilder("sleep", "60").start();
        try {
            pipeline.evaluate(event("exec", victim.pid(), Map.of("exec.file.name", "vigil-victim")));
            assertThat(victim.isAlive()).as("enforcement off: not killed").isTrue();
        } finally {
            victim.destroyForcibly();
        }
        JsonNode section = SignalJson.section(pipeline.status(), pipeline.take());
        // the sensor was never started here: its state says so
        assertThat(section.path("sensor").path("state").asString()).isEqualTo("off");
        assertThat(section.path("sensor").path("reason").asString()).isEqualTo("the sensor has not started yet");
        JsonNode signal = section.path("signals").get(0);
        for (String required : List.of("id", "rule_id", "severity", "time", "event_type", "process", "event")) {
            assertThat(signal.has(required)).as(required).isTrue();
        }
        assertThat(signal.path("process").path("path").asString()).isEqualTo("/tmp/vigil-victim");
        assertThat(signal.path("actions").get(0).path("result").asString()).isEqualTo("skipped");
        assertThat(signal.path("event").path("process.pid").asLong()).isEqualTo(victim.pid());
        assertThat(signal.path("count").asLong()).isEqualTo(1);
    }
}
