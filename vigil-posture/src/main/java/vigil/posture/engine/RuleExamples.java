package vigil.posture.engine;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vigil.posture.model.Resource;
import vigil.posture.rule.Position;
import vigil.posture.rule.Rule;

/** Runs the examples each rule carries ({@code vigil rules test}): every one must give the status it expects. */
public final class RuleExamples {
    private RuleExamples() {}

    /** One example's outcome; {@code passed} when the rule gave what the example expects. */
    public record Outcome(String ruleId, Rule.Expect expect, Status status, Position position, String detail) {
        public Outcome {
            requireNonNull(ruleId, "ruleId is null");
            requireNonNull(expect, "expect is null");
            requireNonNull(status, "status is null");
            requireNonNull(position, "position is null");
            requireNonNull(detail, "detail is null");
        }

        public boolean passed() {
            return expect.name().equals(status.name());
        }

        public String expected() {
            return expect.name().toLowerCase(Locale.ROOT);
        }
    }

    public static List<Outcome> run(PostureEngine engine) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Rule rule : engine.rules()) {
            for (Rule.Example example : rule.examples()) {
                String name = rule.resourceNames().isEmpty()
                        ? "example"
                        : rule.resourceNames().getFirst();
                Resource resource = new Resource(rule.resourceTypes().getFirst(), name, name, example.attributes());
                Result result = engine.evaluate(rule, resource, example.related());
                String detail = result.detail().isEmpty() ? result.actual() : result.detail();
                outcomes.add(new Outcome(rule.id(), example.expect(), result.status(), example.position(), detail));
            }
        }
        return outcomes;
    }
}
