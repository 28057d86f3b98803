package vigil.threats.rules.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.EventJson;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.secl.Expr;
import vigil.threats.rules.secl.Parser;
import vigil.threats.rules.secl.Printer;
import vigil.threats.rules.secl.SeclSyntaxException;

/**
 * Rule expressions and event lines come from users and sensors: whatever the text, the parser gives a tree or a
 * syntax error with a position, and the event reader an event or a format error; never another exception, never a
 * stack overflow (Jazzer reports those and time-outs as findings).
 */
class SeclFuzzTest {
    private static final EventJson EVENTS = new EventJson(FieldCatalog.linux());

    @FuzzTest(maxDuration = "10s")
    void ruleExpressions(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Expr expr;
        try {
            expr = Parser.parseRule(text);
        } catch (SeclSyntaxException refused) {
            assertThat(refused.pos()).isNotNull();
            assertThat(refused.reason()).isNotBlank();
            return;
        }
        assertThat(Printer.print(expr)).isNotEmpty();
    }

    /**
     * Policy files: whatever the YAML, reading and loading it gives a report per rule (or one for the file), never
     * an exception; the text goes through the whole loader (filters, macros, compilation).
     */
    @FuzzTest(maxDuration = "10s")
    void policyFiles(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        vigil.threats.rules.policy.PolicyReader.Read read =
                vigil.threats.rules.policy.PolicyReader.read("fuzz.policy", text);
        vigil.threats.rules.policy.RuleSet set = new vigil.threats.rules.policy.PolicyLoader(
                        FieldCatalog.linux(),
                        vigil.threats.rules.engine.Constants.linux(),
                        vigil.threats.rules.policy.Environment.linux(6, 18),
                        vigil.threats.rules.policy.SensorProfile.linuxTracepoints())
                .load(java.util.List.of(read));
        for (vigil.threats.rules.policy.RuleReport report : set.reports()) {
            assertThat(report.source()).startsWith("fuzz.policy:");
            if (report.status() != vigil.threats.rules.policy.RuleStatus.LOADED) {
                assertThat(report.reason()).isNotBlank();
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void eventLines(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        try {
            assertThat(EVENTS.parse(line).type()).isIn(FieldCatalog.linux().eventTypes());
        } catch (EventBuilder.EventFormatException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
