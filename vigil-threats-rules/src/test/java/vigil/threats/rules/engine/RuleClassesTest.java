package vigil.threats.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.secl.Parser;

class RuleClassesTest {
    /**
     * Each compiled rule runs behind a class of its own (the optimisation is not lost to a quiet fallback), and
     * answers as its closures do.
     */
    @Test
    void aCompiledRuleIsAClassOfItsOwnThatAnswersAsItsClosures() throws Exception {
        Compiler compiler = new Compiler(FieldCatalog.linux(), Constants.linux(), Map.of(), Map.of());
        Compiler.Compiled first = compiler.compile(Parser.parseRule("open.file.path == \"/etc/shadow\""));
        Compiler.Compiled second = compiler.compile(Parser.parseRule("open.flags & O_CREAT > 0"));
        assertThat(first.evaluator().getClass().isHidden()).isTrue();
        assertThat(first.evaluator().getClass()).isNotEqualTo(second.evaluator().getClass());
        EventBuilder builder = new EventBuilder(FieldCatalog.linux());
        Event shadow = builder.build("open", Map.of("open.file.path", "/etc/shadow", "open.flags", 0L));
        Event created = builder.build("open", Map.of("open.file.path", "/tmp/x", "open.flags", 64L));
        assertThat(first.evaluator().matches(shadow, Scope.EMPTY)).isTrue();
        assertThat(first.evaluator().matches(created, Scope.EMPTY)).isFalse();
        assertThat(second.evaluator().matches(shadow, Scope.EMPTY)).isFalse();
        assertThat(second.evaluator().matches(created, Scope.EMPTY)).isTrue();
    }
}
