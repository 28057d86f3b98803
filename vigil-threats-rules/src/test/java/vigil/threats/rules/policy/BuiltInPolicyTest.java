package vigil.threats.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;

/** Vigil's built-in policy loads whole for its own sensor, every rule says how bad and which ATT&CK step, and its examples hold. */
class BuiltInPolicyTest {
    @Test
    void everyRuleLoadsForTheTracepointSensorAndPassesItsExamples() {
        PolicyReader.Read read = BuiltInPolicy.read();
        RuleSet rules = new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.linux(6, 1),
                        SensorProfile.linuxTracepoints())
                .load(List.of(read));
        assertThat(rules.reports())
                .allSatisfy(report -> assertThat(report.status())
                        .as(report.id() + ": " + report.reason())
                        .isEqualTo(RuleStatus.LOADED));
        assertThat(rules.rules()).hasSize(13);
        for (RuleSet.Loaded rule : rules.rules()) {
            assertThat(rule.definition().tags())
                    .as(rule.definition().id())
                    .containsKeys("severity", "mitre_tactic", "mitre_technique");
            assertThat(rule.definition().tags().get("severity")).isIn("low", "medium", "high", "critical");
            assertThat(rule.definition().tests())
                    .as(rule.definition().id() + " has examples")
                    .isNotEmpty();
        }
        List<RuleTests.Outcome> outcomes = RuleTests.run(
                rules, rules.rules().stream().map(RuleSet.Loaded::definition).toList(), FieldCatalog.linux());
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(26);
        assertThat(outcomes)
                .allSatisfy(outcome -> assertThat(outcome.passed())
                        .as(outcome.ruleId() + " " + (outcome.match() ? "match" : "no_match") + ": " + outcome.detail())
                        .isTrue());
    }
}
