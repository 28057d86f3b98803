package vigil.threats.rules.policy;

import java.util.List;

/**
 * {@code combine: override}: a later policy's rule replaces the fields its {@code override_options.fields} names
 * ({@code expression}, {@code actions}, {@code every}, {@code tags}, {@code product_tags}); without the option,
 * the whole rule.
 */
final class Overrides {
    private Overrides() {}

    static Definitions.Rule apply(Definitions.Rule before, Definitions.Rule after) {
        List<String> fields = after.overrideFields();
        if (fields.isEmpty()) {
            return after;
        }
        return new Definitions.Rule(
                before.id(),
                fields.contains("expression") ? after.expression() : before.expression(),
                before.description(),
                fields.contains("tags") ? after.tags() : before.tags(),
                fields.contains("actions") ? after.actions() : before.actions(),
                before.filters(),
                before.agentVersion(),
                after.disabled(),
                before.combine(),
                List.of(),
                fields.contains("every") ? after.everyNanos() : before.everyNanos(),
                before.silent(),
                after.tests().isEmpty() ? before.tests() : after.tests(),
                before.file(),
                before.pos());
    }
}
