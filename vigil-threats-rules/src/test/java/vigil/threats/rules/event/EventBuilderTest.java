package vigil.threats.rules.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBuilderTest {
    private final FieldCatalog catalog = FieldCatalog.linux();
    private final EventBuilder builder = new EventBuilder(catalog);

    /** Lists per ancestor are kept one after the other, with each ancestor's count in the field's group slot. */
    @Test
    void aListPerAncestorKeepsItsValuesAndTheirGroups() throws Exception {
        Field argv = catalog.find("process.ancestors.argv").orElseThrow();
        assertThat(argv.grouped()).isTrue();
        assertThat(catalog.find("process.argv").orElseThrow().grouped()).isFalse();
        Event event = builder.build(
                "exec", Map.of("process.ancestors.argv", List.of(List.of("-c", "make"), List.of(), List.of("clone"))));
        assertThat((String[]) event.value(argv)).containsExactly("-c", "make", "clone");
        assertThat((long[]) event.valueAt(argv.groupSlot())).containsExactly(2, 0, 1);
        Event flat = builder.build("exec", Map.of("process.ancestors.argv", List.of("-c", "clone")));
        assertThat((String[]) flat.value(argv)).containsExactly("-c", "clone");
        assertThat(flat.valueAt(argv.groupSlot())).isNull();
    }

    @Test
    void aMixOfListsAndValuesIsRefusedNamingTheField() {
        assertThatThrownBy(() -> builder.build("exec", Map.of("process.ancestors.argv", List.of(List.of("a"), "b"))))
                .isInstanceOf(EventBuilder.EventFormatException.class)
                .hasMessageContaining("process.ancestors.argv")
                .hasMessageContaining("not both");
        // a field that holds one list (not one per ancestor) takes no nested lists
        assertThatThrownBy(() -> builder.build("exec", Map.of("process.argv", List.of(List.of("a")))))
                .isInstanceOf(EventBuilder.EventFormatException.class)
                .hasMessageContaining("process.argv");
    }
}
