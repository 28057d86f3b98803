package vigil.threats.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.event.FieldType;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Parser;
import vigil.threats.rules.secl.SeclSyntaxException;

/**
 * The reference implementation's evaluator tests (datadog-agent {@code pkg/security/secl/compiler/eval/*_test.go}),
 * ported as data onto SECL's Linux fields in {@code secl/reference-eval-cases.yaml}, each citing its source: every
 * case gives the reference's result here.
 */
class ReferenceEvalCasesTest {
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        try (InputStream in = ReferenceEvalCasesTest.class.getResourceAsStream(
                "/vigil/threats/rules/secl/reference-eval-cases.yaml")) {
            assertThat(in).isNotNull();
            Map<String, Object> root =
                    (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
            return (List<Map<String, Object>>) root.get("cases");
        }
    }

    /** What one case gives: true, false or error, and why when it is an error. */
    record Outcome(String result, String detail) {}

    @SuppressWarnings("unchecked")
    static Outcome run(Map<String, Object> testCase) {
        FieldCatalog catalog = FieldCatalog.linux();
        Map<String, Expr> macros = new HashMap<>();
        Map<String, Object> macroTexts = (Map<String, Object>) testCase.getOrDefault("macros", Map.of());
        Map<String, Object> variableValues = (Map<String, Object>) testCase.getOrDefault("variables", Map.of());
        Map<String, VariableType> variables = new HashMap<>();
        Map<String, Object> values = new HashMap<>();
        variableValues.forEach((name, value) -> {
            variables.put(name, typeOf(value));
            values.put(name, arrayOf(value));
        });
        Map<String, Object> event = (Map<String, Object>) testCase.get("event");
        long now = event.get("now") == null ? 0 : ((Number) event.get("now")).longValue();
        Event built;
        try {
            Map<String, Object> fields = new LinkedHashMap<>();
            ((Map<String, Object>) event.getOrDefault("fields", Map.of()))
                    .forEach((name, value) -> fields.put(name, normalize(value)));
            built = new EventBuilder(catalog).build((String) event.get("type"), fields);
        } catch (EventBuilder.EventFormatException e) {
            return new Outcome("bad-event", String.valueOf(e.getMessage()));
        }
        try {
            for (Map.Entry<String, Object> macro : macroTexts.entrySet()) {
                macros.put(macro.getKey(), Parser.parseMacro(String.valueOf(macro.getValue())));
            }
            Expr expr = Parser.parseRule((String) testCase.get("expression"));
            Typed typed = new Compiler(catalog, Constants.linux(), macros, variables).compilePart(expr);
            if (!(typed instanceof Typed.Bool bool)) {
                return new Outcome("error", "not a condition: " + Typed.describe(typed));
            }
            Scope scope = new Scope() {
                @Override
                public @Nullable Object variable(String name, Event e) {
                    return values.get(name);
                }

                @Override
                public long now(Event e) {
                    return now;
                }
            };
            return new Outcome(String.valueOf(bool.eval().matches(built, scope)), "");
        } catch (SeclSyntaxException e) {
            return new Outcome("error", "syntax: " + e.getMessage());
        } catch (CompileException e) {
            return new Outcome("error", e.pos() + ": " + e.getMessage());
        }
    }

    private static @Nullable Object normalize(@Nullable Object value) {
        return switch (value) {
            case Integer i -> BigInteger.valueOf(i);
            case Long l -> BigInteger.valueOf(l);
            case List<?> list ->
                list.stream().map(ReferenceEvalCasesTest::normalize).toList();
            case null, default -> value;
        };
    }

    private static VariableType typeOf(Object value) {
        Object sample = value instanceof List<?> list && !list.isEmpty() ? list.getFirst() : value;
        FieldType type = switch (sample) {
            case Number n -> FieldType.INT;
            case Boolean b -> FieldType.BOOL;
            default -> FieldType.STRING;
        };
        return new VariableType(type, value instanceof List<?>);
    }

    private static Object arrayOf(Object value) {
        List<?> items = value instanceof List<?> list ? list : List.of(value);
        if (!items.isEmpty() && items.getFirst() instanceof Number) {
            return items.stream().mapToLong(item -> ((Number) item).longValue()).toArray();
        }
        if (!items.isEmpty() && items.getFirst() instanceof Boolean) {
            boolean[] out = new boolean[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (Boolean) items.get(i);
            }
            return out;
        }
        return items.stream().map(String::valueOf).toArray(String[]::new);
    }

    @Test
    void everyReferenceCaseGivesTheReferenceResult() throws IOException {
        List<Map<String, Object>> cases = cases();
        List<String> failures = new ArrayList<>();
        for (Map<String, Object> testCase : cases) {
            Outcome outcome = run(testCase);
            String expected = String.valueOf(testCase.get("result"));
            if (!outcome.result().equals(expected)) {
                failures.add(testCase.get("source") + ": " + testCase.get("expression") + " -> " + outcome.result()
                        + " (expected " + expected + ") " + outcome.detail());
            }
        }
        System.out.println("SECL reference cases: " + (cases.size() - failures.size()) + " of " + cases.size()
                + " give the reference's result");
        assertThat(cases).hasSizeGreaterThan(300);
        assertThat(failures).isEmpty();
    }
}
