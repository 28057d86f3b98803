package vigil.posture.rule;

import static java.util.Objects.requireNonNull;

/** Why a rule file, or one rule in it, cannot be used: where, and what to change. */
public record RuleProblem(Position position, String message) {
    public RuleProblem {
        requireNonNull(position, "position is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return position + ": " + message;
    }
}
