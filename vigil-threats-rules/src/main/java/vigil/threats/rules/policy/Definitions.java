package vigil.threats.rules.policy;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.secl.Pos;

/** What a policy file says, before anything is compiled. */
public final class Definitions {
    private Definitions() {}

    /** A text of the file (an expression, a filter) and where it starts. */
    public record Text(String value, String file, Pos pos, Pos content, boolean block) {
        /** Where, in the file, a position inside this text is. */
        public Pos locate(Pos inner) {
            if (inner.line() <= 1) {
                return new Pos(content.line(), content.column() + Math.max(inner.column(), 1) - 1);
            }
            return block
                    ? new Pos(content.line() + inner.line() - 1, content.column() + inner.column() - 1)
                    : content; // a folded scalar: its lines were joined, the start is the best we can say
        }

        public String where(Pos inner) {
            Pos at = locate(inner);
            return file + ":" + at.line() + ":" + at.column();
        }
    }

    /** A macro: an expression, or a list of values. */
    public record Macro(
            String id,
            @Nullable Text expression,
            List<String> values,
            List<Text> filters,
            @Nullable String agentVersion,
            @Nullable String combine,
            String file,
            Pos pos) {}

    /** A {@code set} action: a variable from a value, an expression or a field. */
    public record SetAction(
            String name,
            @Nullable Object value,
            @Nullable Text expression,
            @Nullable String field,
            @Nullable Object defaultValue,
            boolean append,
            @Nullable String scope,
            @Nullable String scopeField,
            long ttlNanos,
            int size,
            boolean inherited,
            boolean privateValue) {
        /** How the rules name it: {@code ${scope.name}}, or {@code ${name}} for a global one. */
        public String qualifiedName() {
            return scope == null || scope.isEmpty() ? name : scope + "." + name;
        }
    }

    /** One action of a rule, with its optional filter. */
    public sealed interface Action {
        @Nullable
        Text filter();
    }

    public record Set(SetAction set, @Nullable Text filter) implements Action {}

    public record Kill(
            String signal, String scope, @Nullable Text filter) implements Action {}

    public record Hash(@Nullable Text filter) implements Action {}

    /** An action Vigil reads but does not run yet ({@code log}, {@code coredump}, ...): named in the report. */
    public record Other(String kind, @Nullable Text filter) implements Action {}

    public record Rule(
            String id,
            @Nullable Text expression,
            String description,
            Map<String, String> tags,
            List<Action> actions,
            List<Text> filters,
            @Nullable String agentVersion,
            boolean disabled,
            @Nullable String combine,
            List<String> overrideFields,
            long everyNanos,
            boolean silent,
            List<RuleTest> tests,
            String file,
            Pos pos) {}

    /**
     * An example a rule file carries ({@code tests:} under a rule, Vigil's extension, ignored by other tools): an
     * event it must match or must not, after some events that set the variables it reads.
     */
    public record RuleTest(boolean match, EventSpec event, List<EventSpec> after, Pos pos) {}

    /** An event written in a policy: its type and its fields' values (strings, integers, booleans, lists). */
    public record EventSpec(String type, Map<String, Object> fields, Pos pos) {}
}
