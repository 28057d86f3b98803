package vigil.threats.rules.engine;

import java.util.Set;
import java.util.function.Supplier;
import vigil.threats.rules.event.Event;

/**
 * A compiled rule evaluated knowing one field of an event only: every condition on that field alone answers, every
 * other one (other fields, variables, the clock) is unknown, and {@code &&}, {@code ||} and {@code !} combine the
 * answers in three-valued logic. When the answer is {@link Answer#FALSE} the rule matches no event with that
 * field's value, whatever its other fields and the variables: a value false for every rule of an event type is a
 * <em>discarder</em> (Datadog's term), which a sensor may drop in the kernel until the rules change.
 */
public final class Partial {
    public enum Answer {
        FALSE,
        TRUE,
        UNKNOWN;

        Answer not() {
            return this == FALSE ? TRUE : this == TRUE ? FALSE : UNKNOWN;
        }

        Answer and(Answer other) {
            return this == FALSE || other == FALSE ? FALSE : this == TRUE && other == TRUE ? TRUE : UNKNOWN;
        }

        Answer or(Answer other) {
            return this == TRUE || other == TRUE ? TRUE : this == FALSE && other == FALSE ? FALSE : UNKNOWN;
        }
    }

    /** The expression's tree down to its conditions, which are compiled whole. */
    sealed interface Node {
        Answer eval(Event event, String field);
    }

    record And(Node left, Node right) implements Node {
        @Override
        public Answer eval(Event event, String field) {
            Answer first = left.eval(event, field);
            return first == Answer.FALSE ? first : first.and(right.eval(event, field));
        }
    }

    record Or(Node left, Node right) implements Node {
        @Override
        public Answer eval(Event event, String field) {
            Answer first = left.eval(event, field);
            return first == Answer.TRUE ? first : first.or(right.eval(event, field));
        }
    }

    record Not(Node operand) implements Node {
        @Override
        public Answer eval(Event event, String field) {
            return operand.eval(event, field).not();
        }
    }

    /** A condition that reads only {@code fields} (none: a constant), and nothing else. */
    record Condition(Evaluator evaluator, Set<String> fields) implements Node {
        @Override
        public Answer eval(Event event, String field) {
            if (fields.isEmpty() || fields.size() == 1 && fields.contains(field)) {
                return evaluator.matches(event, Scope.EMPTY) ? Answer.TRUE : Answer.FALSE;
            }
            return Answer.UNKNOWN;
        }
    }

    /** A condition that reads variables, the clock or a register, or that could not be taken apart. */
    record Unknown() implements Node {
        @Override
        public Answer eval(Event event, String field) {
            return Answer.UNKNOWN;
        }
    }

    private final Supplier<Node> build;
    private volatile @org.jspecify.annotations.Nullable Node root;

    /** Built on first use: most rules are never asked (only when a sensor looks for discarders). */
    Partial(Supplier<Node> build) {
        this.build = build;
    }

    /** The rule's answer for {@code event} knowing only its {@code field} (a SECL field name). */
    public Answer eval(Event event, String field) {
        Node node = root;
        if (node == null) {
            synchronized (this) {
                node = root;
                if (node == null) {
                    node = build.get();
                    root = node;
                }
            }
        }
        return node.eval(event, field);
    }
}
