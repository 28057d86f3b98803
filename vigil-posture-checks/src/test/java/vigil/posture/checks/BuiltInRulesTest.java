package vigil.posture.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.RuleExamples;
import vigil.posture.rule.Rule;
import vigil.posture.rule.RuleFiles;

class BuiltInRulesTest {
    @Test
    void everyBuiltInRuleLoadsCompilesAndPassesItsOwnExamples() throws Exception {
        RuleFiles.Read read = BuiltInRules.load(List.of());
        assertThat(read.problems()).isEmpty();
        PostureEngine.Compilation compilation = PostureEngine.compile(read.rules());
        assertThat(compilation.problems()).isEmpty();
        assertThat(compilation.engine().rules()).hasSize(read.rules().size());
        List<RuleExamples.Outcome> failed = RuleExamples.run(compilation.engine()).stream()
                .filter(outcome -> !outcome.passed())
                .toList();
        assertThat(failed).isEmpty();
    }

    @Test
    void everyBuiltInRuleHasAPassingAndAFailingExampleARemediationAndAFramework() throws Exception {
        for (Rule rule : BuiltInRules.load(List.of()).rules()) {
            Map<Rule.Expect, Long> kinds = rule.examples().stream()
                    .collect(Collectors.groupingBy(Rule.Example::expect, Collectors.counting()));
            assertThat(kinds).as(rule.id()).containsKeys(Rule.Expect.PASS, Rule.Expect.FAIL);
            assertThat(rule.remediation().text()).as(rule.id()).isNotBlank();
            assertThat(rule.rationale()).as(rule.id()).isNotBlank();
        }
    }
}
