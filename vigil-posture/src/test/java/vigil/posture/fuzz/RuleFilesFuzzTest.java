package vigil.posture.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.Result;
import vigil.posture.engine.RuleExamples;
import vigil.posture.model.Resource;
import vigil.posture.model.ResourceSet;
import vigil.posture.rule.RuleFiles;
import vigil.posture.rule.RuleProblem;

/**
 * Custom rule files are untrusted: reading, compiling and running one gives rules or problems naming a file, a line
 * and a column, never an exception; a rule that compiled evaluates to a status on any resource.
 */
class RuleFilesFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void ruleFiles(byte[] input) {
        RuleFiles.Read read = new RuleFiles().text("fuzz.yaml", input).read();
        for (RuleProblem problem : read.problems()) {
            assertThat(problem.position().file()).isEqualTo("fuzz.yaml");
            assertThat(problem.message()).isNotBlank();
        }
        PostureEngine.Compilation compilation = PostureEngine.compile(read.rules());
        compilation.problems().forEach(problem -> assertThat(problem.message()).isNotBlank());
        RuleExamples.run(compilation.engine())
                .forEach(outcome -> assertThat(outcome.status()).isNotNull());
        List<Resource> resources = compilation.engine().rules().stream()
                .flatMap(rule -> rule.resourceTypes().stream())
                .distinct()
                .map(type -> new Resource(type, type, type, Map.of("a", 1, "b", List.of("x"), "c", Map.of("d", true))))
                .toList();
        for (Result result : compilation.engine().evaluate(ResourceSet.of(resources))) {
            assertThat(result.status()).isNotNull();
        }
    }
}
