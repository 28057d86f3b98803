package vigil.threats.rules.policy;

import java.util.ArrayList;
import java.util.List;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;

/** Runs the examples rule files carry ({@code tests:}), each from a fresh state, as {@code vigil rules test} does. */
public final class RuleTests {
    private RuleTests() {}

    /** One example's outcome: which rule, where, what was expected, whether it held, and why not. */
    public record Outcome(String ruleId, String source, boolean match, boolean passed, String detail) {}

    public static List<Outcome> run(RuleSet rules, List<Definitions.Rule> definitions, FieldCatalog catalog) {
        EventBuilder builder = new EventBuilder(catalog);
        List<Outcome> outcomes = new ArrayList<>();
        for (Definitions.Rule rule : definitions) {
            boolean loaded =
                    rules.rules().stream().anyMatch(candidate -> candidate.id().equals(rule.id()));
            for (Definitions.RuleTest test : rule.tests()) {
                String source =
                        rule.file() + ":" + test.pos().line() + ":" + test.pos().column();
                if (!loaded) {
                    String status = rules.reports().stream()
                            .filter(report -> report.id().equals(rule.id()))
                            .map(report -> report.status().word() + ": " + report.reason())
                            .findFirst()
                            .orElse("not loaded");
                    outcomes.add(new Outcome(rule.id(), source, test.match(), false, "the rule is " + status));
                    continue;
                }
                RuleRunner runner = new RuleRunner(rules, catalog);
                try {
                    for (Definitions.EventSpec earlier : test.after()) {
                        runner.evaluate(build(builder, earlier));
                    }
                    boolean matched = runner.evaluate(build(builder, test.event())).stream()
                            .anyMatch(match -> match.ruleId().equals(rule.id()));
                    boolean passed = matched == test.match();
                    outcomes.add(new Outcome(
                            rule.id(),
                            source,
                            test.match(),
                            passed,
                            passed ? "" : test.match() ? "the event did not match" : "the event matched"));
                } catch (EventBuilder.EventFormatException e) {
                    outcomes.add(new Outcome(rule.id(), source, test.match(), false, "bad event: " + e.getMessage()));
                }
            }
        }
        return outcomes;
    }

    private static Event build(EventBuilder builder, Definitions.EventSpec spec)
            throws EventBuilder.EventFormatException {
        return builder.build(spec.type(), spec.fields());
    }
}
