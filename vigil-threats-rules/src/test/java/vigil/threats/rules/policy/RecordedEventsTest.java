package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventJson;
import vigil.threats.rules.event.FieldCatalog;

/**
 * The engine on events recorded from the real sensor ({@code scripts/record-threat-events.sh}: {@code vigil threats
 * record} while each rule of the built-in policy is triggered, as BuiltInPolicyIT does): every rule fires on the
 * process that did it, and on nothing else in the recording.
 */
class RecordedEventsTest {
    private static final FieldCatalog CATALOG = FieldCatalog.linux();

    private static List<Event> recording() throws Exception {
        EventJson json = new EventJson(CATALOG);
        List<Event> events = new ArrayList<>();
        try (InputStream in = RecordedEventsTest.class.getResourceAsStream(
                        "/vigil/threats/rules/recordings/built-in-triggers.jsonl");
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                events.add(json.parse(line));
            }
        }
        return events;
    }

    private static String text(Event event, String field) {
        return CATALOG.find(field).map(event::value).orElse(null) instanceof String[] v && v.length > 0 ? v[0] : "";
    }

    @Test
    void everyBuiltInRuleFiresOnTheRecordedTriggerAndOnNothingElse() throws Exception {
        List<Event> events = recording();
        assertThat(events).hasSizeGreaterThan(50);
        RuleSet rules = new PolicyLoader(
                        CATALOG, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(BuiltInPolicy.read()));
        RuleRunner runner = new RuleRunner(rules, CATALOG);
        Map<String, TreeSet<String>> fired = new TreeMap<>();
        for (Event event : events) {
            runner.evaluate(
                    event,
                    (rule, variant, signal, matched) -> fired.computeIfAbsent(rule.id(), id -> new TreeSet<>())
                            .add(text(matched, "process.file.path") + " " + String.join(" ", argv(matched))));
        }
        assertThat(fired.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        rules.rules().stream().map(RuleSet.Loaded::id).toList());
        assertThat(fired.get("shadow_file_read")).containsExactly("/usr/bin/cat /etc/shadow");
        assertThat(fired.get("exec_from_temporary_directory"))
                .allSatisfy(p -> assertThat(p).startsWith("/tmp/"));
        assertThat(fired.get("executable_made_in_temporary_directory"))
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("/usr/bin/chmod 755 /tmp/"));
        assertThat(fired.get("shell_from_web_server"))
                .allSatisfy(p -> assertThat(p).startsWith("/usr/bin/dash"));
        assertThat(fired.get("process_attached_with_ptrace"))
                .allSatisfy(p -> assertThat(p).contains("SyscallTrigger ptrace-attach"));
        assertThat(fired.get("bpf_program_loaded"))
                .allSatisfy(p -> assertThat(p).contains("bpf-prog-load"));
        assertThat(fired.get("kernel_module_loaded"))
                .allSatisfy(p -> assertThat(p).contains("init-module-garbage"));
    }

    private static List<String> argv(Event event) {
        return CATALOG.find("process.argv").map(event::value).orElse(null) instanceof String[] v
                ? List.of(v)
                : List.of();
    }
}
