package vigil.threats.rules.engine;

import vigil.threats.rules.event.Event;

/**
 * The logical operators of a compiled condition, kept as data rather than closures: {@link RuleClass} turns a
 * rule's operators into the branches of one generated method, and calls only its other conditions.
 */
sealed interface Logic extends Evaluator {
    record And(Evaluator left, Evaluator right) implements Logic {
        @Override
        public boolean matches(Event event, Scope scope) {
            return left.matches(event, scope) && right.matches(event, scope);
        }
    }

    record Or(Evaluator left, Evaluator right) implements Logic {
        @Override
        public boolean matches(Event event, Scope scope) {
            return left.matches(event, scope) || right.matches(event, scope);
        }
    }

    record Not(Evaluator operand) implements Logic {
        @Override
        public boolean matches(Event event, Scope scope) {
            return !operand.matches(event, scope);
        }
    }
}
