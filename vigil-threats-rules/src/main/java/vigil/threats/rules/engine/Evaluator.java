package vigil.threats.rules.engine;

import vigil.threats.rules.event.Event;

/** A compiled boolean expression. */
@FunctionalInterface
public interface Evaluator {
    boolean matches(Event event, Scope scope);
}
