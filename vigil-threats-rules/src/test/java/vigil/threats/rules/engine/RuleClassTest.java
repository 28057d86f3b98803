package vigil.threats.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.secl.Parser;

class RuleClassTest {
    private static final Event EVENT = new Event("exec", new Object[0]);

    /**
     * Random trees of {@code &&}, {@code ||} and {@code !} over a few conditions: the generated class answers as the
     * tree does for every truth assignment, and asks its conditions in the same order, stopping where the tree stops.
     */
    @Test
    void generatedClassesBranchAsTheirTrees() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 400; round++) {
            int leaves = 1 + random.nextInt(5);
            boolean[] truth = new boolean[leaves];
            StringBuilder asked = new StringBuilder();
            List<Evaluator> conditions = new ArrayList<>();
            for (int i = 0; i < leaves; i++) {
                int which = i;
                conditions.add((event, scope) -> {
                    asked.append(which);
                    return truth[which];
                });
            }
            Evaluator tree = tree(random, conditions, 4);
            Evaluator generated = RuleClass.of(tree);
            if (tree instanceof Logic) {
                assertThat(generated).isNotSameAs(tree);
                assertThat(generated.getClass().isHidden()).isTrue();
            }
            for (int bits = 0; bits < 1 << leaves; bits++) {
                for (int i = 0; i < leaves; i++) {
                    truth[i] = (bits & 1 << i) != 0;
                }
                asked.setLength(0);
                boolean expected = tree.matches(EVENT, Scope.EMPTY);
                String expectedOrder = asked.toString();
                asked.setLength(0);
                assertThat(generated.matches(EVENT, Scope.EMPTY))
                        .as("%s with %s", tree, Integer.toBinaryString(bits))
                        .isEqualTo(expected);
                assertThat(asked.toString()).as("conditions asked by %s", tree).isEqualTo(expectedOrder);
            }
        }
    }

    private static Evaluator tree(SplittableRandom random, List<Evaluator> conditions, int depth) {
        int kind = depth == 0 ? 0 : random.nextInt(4);
        return switch (kind) {
            case 1 -> new Logic.And(tree(random, conditions, depth - 1), tree(random, conditions, depth - 1));
            case 2 -> new Logic.Or(tree(random, conditions, depth - 1), tree(random, conditions, depth - 1));
            case 3 -> new Logic.Not(tree(random, conditions, depth - 1));
            default -> conditions.get(random.nextInt(conditions.size()));
        };
    }

    /** A compiled rule with operators runs as a generated class, and still answers by its expression. */
    @Test
    void compiledRulesRunAsGeneratedClasses() throws Exception {
        FieldCatalog catalog = FieldCatalog.linux();
        Compiler.Compiled compiled = new Compiler(catalog, Constants.linux(), Map.of(), Map.of())
                .compile(Parser.parseRule(
                        "exec.file.name == \"curl\" && !(process.uid == 0 || exec.file.path =~ \"/usr/bin/*\")"));
        assertThat(compiled.evaluator().getClass().isHidden()).isTrue();
        EventBuilder events = new EventBuilder(catalog);
        Event curlInTmp = events.build(
                "exec", Map.of("exec.file.name", "curl", "exec.file.path", "/tmp/curl", "process.uid", 1000));
        Event curlAsRoot =
                events.build("exec", Map.of("exec.file.name", "curl", "exec.file.path", "/tmp/curl", "process.uid", 0));
        Event systemCurl = events.build(
                "exec", Map.of("exec.file.name", "curl", "exec.file.path", "/usr/bin/curl", "process.uid", 1000));
        assertThat(compiled.evaluator().matches(curlInTmp, Scope.EMPTY)).isTrue();
        assertThat(compiled.evaluator().matches(curlAsRoot, Scope.EMPTY)).isFalse();
        assertThat(compiled.evaluator().matches(systemCurl, Scope.EMPTY)).isFalse();
    }
}
