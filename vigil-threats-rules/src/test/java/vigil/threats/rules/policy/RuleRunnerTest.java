package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;

class RuleRunnerTest {
    private static final String POLICY = """
            version: 1
            macros:
              - id: shells
                values: [bash, sh]
            rules:
              - id: shell_spawned
                expression: exec.file.name in shells
                actions:
                  - set:
                      name: spawned_shell
                      scope: process
                      value: true
                      ttl: 10s
                silent: true
              - id: shell_reads_shadow
                expression: open.file.path == "/etc/shadow" && ${process.spawned_shell}
              - id: writes_cron
                expression: open.file.path =~ "/etc/cron.d/*" && open.flags & (O_WRONLY|O_RDWR) > 0
                actions:
                  - kill:
                      signal: SIGKILL
              - id: reads_passwd
                expression: open.file.path == "/etc/passwd"
                every: 1m
            """;

    private final FieldCatalog catalog = FieldCatalog.linux();

    private RuleRunner runner() {
        RuleSet set = new PolicyLoader(
                        catalog, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("test.policy", POLICY)));
        assertThat(set.reports()).extracting(RuleReport::status).containsOnly(RuleStatus.LOADED);
        return new RuleRunner(set, catalog);
    }

    private Event event(String type, Map<String, Object> fields) throws EventBuilder.EventFormatException {
        return new EventBuilder(catalog).build(type, fields);
    }

    private static BigInteger seconds(long seconds) {
        return BigInteger.valueOf(seconds * 1_000_000_000L);
    }

    @Test
    void aVariableSetByOneRuleIsReadByAnotherForTheSameProcessUntilItExpires() throws Exception {
        RuleRunner runner = runner();
        assertThat(runner.evaluate(event(
                        "open",
                        Map.of(
                                "open.file.path",
                                "/etc/shadow",
                                "process.pid",
                                BigInteger.valueOf(42),
                                "event.timestamp",
                                seconds(100)))))
                .isEmpty();
        List<RuleRunner.Match> exec = runner.evaluate(event(
                "exec",
                Map.of(
                        "exec.file.name",
                        "bash",
                        "process.pid",
                        BigInteger.valueOf(42),
                        "event.timestamp",
                        seconds(101))));
        assertThat(exec).singleElement().satisfies(match -> {
            assertThat(match.ruleId()).isEqualTo("shell_spawned");
            assertThat(match.signal()).isFalse(); // silent
            assertThat(match.actions()).containsExactly("set process.spawned_shell");
            assertThat(match.values()).containsEntry("exec.file.name", "bash");
        });
        // the same process: the variable holds
        assertThat(runner.evaluate(event(
                        "open",
                        Map.of(
                                "open.file.path",
                                "/etc/shadow",
                                "process.pid",
                                BigInteger.valueOf(42),
                                "event.timestamp",
                                seconds(105)))))
                .extracting(RuleRunner.Match::ruleId)
                .containsExactly("shell_reads_shadow");
        // another process: it does not
        assertThat(runner.evaluate(event(
                        "open",
                        Map.of(
                                "open.file.path",
                                "/etc/shadow",
                                "process.pid",
                                BigInteger.valueOf(7),
                                "event.timestamp",
                                seconds(105)))))
                .isEmpty();
        // after its ten seconds: gone
        assertThat(runner.evaluate(event(
                        "open",
                        Map.of(
                                "open.file.path",
                                "/etc/shadow",
                                "process.pid",
                                BigInteger.valueOf(42),
                                "event.timestamp",
                                seconds(112)))))
                .isEmpty();
    }

    @Test
    void aRuleWithEveryRaisesOneSignalPerInterval() throws Exception {
        RuleRunner runner = runner();
        List<Boolean> signals = new java.util.ArrayList<>();
        for (long second : new long[] {0, 10, 59, 61, 100, 125}) {
            List<RuleRunner.Match> matches = runner.evaluate(
                    event("open", Map.of("open.file.path", "/etc/passwd", "event.timestamp", seconds(1000 + second))));
            assertThat(matches)
                    .singleElement()
                    .extracting(RuleRunner.Match::ruleId)
                    .isEqualTo("reads_passwd");
            signals.add(matches.getFirst().signal());
        }
        assertThat(signals).containsExactly(true, false, false, true, false, true);
    }

    @Test
    void aVariableTypedByAnExpressionMayReadAVariableAnotherRuleSetsLaterInTheFile() throws Exception {
        String policy = """
                rules:
                  - id: label
                    expression: exec.file.name == "bash"
                    actions:
                      - set:
                          name: label
                          scope: process
                          expression: '"shell:${process.origin}"'
                  - id: origin
                    expression: exec.file.name == "sshd"
                    actions:
                      - set:
                          name: origin
                          scope: process
                          value: ssh
                  - id: labelled
                    expression: open.file.path == "/etc/shadow" && ${process.label} == "shell:ssh"
                """;
        RuleSet set = new PolicyLoader(
                        catalog, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("order.policy", policy)));
        assertThat(set.reports()).extracting(RuleReport::status).containsOnly(RuleStatus.LOADED);
        RuleRunner runner = new RuleRunner(set, catalog);
        runner.evaluate(event("exec", Map.of("exec.file.name", "sshd", "process.pid", BigInteger.ONE)));
        runner.evaluate(event("exec", Map.of("exec.file.name", "bash", "process.pid", BigInteger.ONE)));
        assertThat(runner.evaluate(
                        event("open", Map.of("open.file.path", "/etc/shadow", "process.pid", BigInteger.ONE))))
                .extracting(RuleRunner.Match::ruleId)
                .containsExactly("labelled");
    }

    /**
     * The runner remembers an event's variable reads (many rules read one variable): a read before a rule of the same
     * event sets it must not answer for the reads after, and the rules after see the new value at once.
     */
    @Test
    void aVariableSetByAnEarlierRuleOfTheSameEventIsSeenByTheLaterRules() throws Exception {
        String policy = """
                rules:
                  - id: first_time
                    expression: exec.file.name == "bash" && ${process.seen} == ""
                    actions:
                      - set:
                          name: seen
                          scope: process
                          value: "yes"
                  - id: seen_now
                    expression: exec.file.name == "bash" && ${process.seen} == "yes"
                  - id: stamped
                    expression: exec.file.name == "bash"
                    actions:
                      - set:
                          name: stamp
                          scope: process
                          expression: '"${builtins.uuid4}/${builtins.uuid4}"'
                """;
        RuleSet set = new PolicyLoader(
                        catalog, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("same-event.policy", policy)));
        assertThat(set.reports()).extracting(RuleReport::status).containsOnly(RuleStatus.LOADED);
        RuleRunner runner = new RuleRunner(set, catalog);
        Event bash = event("exec", Map.of("exec.file.name", "bash", "process.pid", BigInteger.TWO));
        assertThat(runner.evaluate(bash))
                .extracting(RuleRunner.Match::ruleId)
                .containsExactly("first_time", "seen_now", "stamped");
        // the same event again (a replay): the variable is set now, for every rule
        assertThat(runner.evaluate(bash)).extracting(RuleRunner.Match::ruleId).containsExactly("seen_now", "stamped");
    }

    @Test
    void aKillActionIsReportedNotRun() throws Exception {
        List<RuleRunner.Match> matches = runner().evaluate(event(
                "open", Map.of("open.file.path", "/etc/cron.d/evil", "open.flags", BigInteger.valueOf(1))));
        assertThat(matches).singleElement().satisfies(match -> {
            assertThat(match.ruleId()).isEqualTo("writes_cron");
            assertThat(match.actions()).containsExactly("kill SIGKILL (process)");
            assertThat(match.values())
                    .containsEntry("open.file.path", "/etc/cron.d/evil")
                    .containsEntry("open.flags", "1");
        });
        assertThat(runner().evaluate(event("open", Map.of("open.file.path", "/etc/cron.d/evil"))))
                .isEmpty();
    }

    /**
     * A discarder: the open rules all read open.file.path, so a path none of them can match is one, whatever the
     * process and its variables; a path one rule can match is not, nor is any value of a field a rule does not read
     * alone (the flags of an open to /etc/cron.d/x decide only with its path).
     */
    @Test
    void aPathNoOpenRuleCanMatchIsADiscarder() throws Exception {
        RuleRunner runner = runner();
        Event tmp = event("open", Map.of("open.file.path", "/tmp/build/a.o", "open.flags", BigInteger.ONE));
        assertThat(runner.isDiscarder(tmp, "open.file.path")).isTrue();
        assertThat(runner.isDiscarder(tmp, "open.flags")).isFalse();
        assertThat(runner.isDiscarder(tmp, "process.file.name")).isFalse();
        // the variable of shell_reads_shadow is unknown: /etc/shadow may match
        assertThat(runner.isDiscarder(event("open", Map.of("open.file.path", "/etc/shadow")), "open.file.path"))
                .isFalse();
        assertThat(runner.isDiscarder(event("open", Map.of("open.file.path", "/etc/cron.d/backup")), "open.file.path"))
                .isFalse();
        assertThat(runner.isDiscarder(event("open", Map.of("open.file.path", "/etc/cron.d")), "open.file.path"))
                .isTrue();
        // no rule is about chmod events: every value discards
        assertThat(runner.isDiscarder(event("chmod", Map.of("chmod.file.path", "/etc/shadow")), "chmod.file.path"))
                .isTrue();
    }

    @Test
    void aRuleOnAnotherFieldOrANegationKeepsValuesAlive() throws Exception {
        RuleSet set = new PolicyLoader(
                        catalog, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("test.policy", """
                        version: 1
                        rules:
                          - id: not_tmp
                            expression: open.file.path != "/tmp/x" && process.uid == 0
                          - id: either
                            expression: open.file.path == "/etc/a" || process.comm == "evil"
                        """)));
        RuleRunner runner = new RuleRunner(set, catalog);
        // /tmp/x: not_tmp cannot match (its negation is false), but either may (another process's comm decides)
        Event tmp = event("open", Map.of("open.file.path", "/tmp/x"));
        assertThat(runner.isDiscarder(tmp, "open.file.path")).isFalse();
        // /tmp/y: the negation holds, so not_tmp may match whatever either says
        assertThat(runner.isDiscarder(event("open", Map.of("open.file.path", "/tmp/y")), "open.file.path"))
                .isFalse();
        // the same values with only not_tmp: /tmp/x is then a discarder (the negation decides alone)
        RuleRunner alone = new RuleRunner(
                new PolicyLoader(catalog, Constants.linux(), Environment.linux(6, 18), SensorProfile.linuxTracepoints())
                        .load(List.of(PolicyReader.read("alone.policy", """
                                version: 1
                                rules:
                                  - id: not_tmp
                                    expression: open.file.path != "/tmp/x" && process.uid == 0
                                """))),
                catalog);
        assertThat(alone.isDiscarder(tmp, "open.file.path")).isTrue();
        assertThat(alone.isDiscarder(event("open", Map.of("open.file.path", "/tmp/y")), "open.file.path"))
                .isFalse();
    }
}
