package vigil.threats.rules.policy;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.Compiler;
import vigil.threats.rules.engine.Evaluator;
import vigil.threats.rules.engine.VariableType;

/** Policies loaded: every rule's report, the rules that run, and the variables their actions set. */
public record RuleSet(List<RuleReport> reports, List<Loaded> rules, Map<String, VariableType> variables) {
    public RuleSet {
        reports = List.copyOf(reports);
        rules = List.copyOf(rules);
        variables = Map.copyOf(variables);
    }

    /**
     * A rule that runs: its definition, its compiled expression (one per event type for a {@code fim.write.file.*}
     * rule, which Datadog's loader expands the same way), its actions.
     */
    public record Loaded(Definitions.Rule definition, List<Compiler.Compiled> variants, List<CompiledAction> actions) {
        public Loaded {
            variants = List.copyOf(variants);
            actions = List.copyOf(actions);
        }

        public String id() {
            return definition.id();
        }
    }

    /**
     * An action with its filter compiled (always true when it has none) and, for a set action, its value: read from
     * the event, or written in the policy.
     */
    public record CompiledAction(
            Definitions.Action action,
            Evaluator filter,
            vigil.threats.rules.engine.@Nullable ValueReader value,
            @Nullable Object constant) {}

    public long count(RuleStatus status) {
        return reports.stream().filter(report -> report.status() == status).count();
    }
}
