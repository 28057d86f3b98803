package vigil.threats.rules.falco;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.engine.Evaluator;
import vigil.threats.rules.event.Event;

/**
 * One rule of a Falco rules file as loaded: where it is, its status, and for a loaded rule its evaluator and the
 * Vigil event types it applies to. Priority, tags and output are kept as written.
 */
public record FalcoRule(
        String name,
        String file,
        int line,
        Status status,
        String priority,
        List<String> tags,
        String output,
        FalcoCompiler.@Nullable Compiled compiled) {
    public FalcoRule {
        tags = List.copyOf(tags);
    }

    /** Whether the rule loads, and if not, why. */
    public sealed interface Status {
        record Loaded() implements Status {}

        record Disabled() implements Status {}

        /** {@code what}: the field, syscall or construct Vigil does not provide. */
        record Unsupported(String what, String reason) implements Status {}

        /** {@code location}: {@code file:line:col}. */
        record InError(String location, String reason) implements Status {}
    }

    public boolean loaded() {
        return status instanceof Status.Loaded;
    }

    /** The Vigil event types the rule applies to (none unless loaded). */
    public Set<String> eventTypes() {
        return compiled == null ? Set.of() : compiled.byType().keySet();
    }

    /** The rule's condition for any event; never matches unless the rule is loaded. */
    public Evaluator evaluator() {
        return compiled == null || !loaded() ? (event, scope) -> false : compiled.evaluator();
    }

    private static final Pattern FIELD = Pattern.compile("%([a-zA-Z][a-zA-Z0-9_]*(?:\\.[a-zA-Z0-9_]+)+)(\\[[^]]*])?");

    /** The output with each {@code %field} replaced by its value in {@code event} ({@code <NA>} when it has none). */
    public String output(Event event, FalcoFields fields) {
        Matcher matcher = FIELD.matcher(output);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String arg = matcher.group(2) == null
                    ? null
                    : matcher.group(2).substring(1, matcher.group(2).length() - 1);
            Condition.FieldRef ref = new Condition.FieldRef(matcher.group(1), arg, List.of(), 0);
            matcher.appendReplacement(out, Matcher.quoteReplacement(fields.render(ref, event)));
        }
        matcher.appendTail(out);
        return out.toString().strip();
    }
}
