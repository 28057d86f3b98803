package vigil.model.finding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.model.Severity;

/** A finding carries the evidence of its own category (or the shapeless {@code Attributes}), never another's. */
class FindingEvidenceTest {
    private static Finding finding(Category category, Evidence evidence) {
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        return new Finding(
                "id-1",
                category,
                new RuleRef("RULE-1", "a rule", Severity.HIGH, java.util.List.of()),
                new Resource("host", "host:a", "a", null, null, null, Map.of()),
                new FindingStatus.Open(),
                now,
                now,
                evidence,
                null);
    }

    @Test
    void eachTypedEvidenceBelongsToOneCategory() {
        for (Class<?> type : Evidence.class.getPermittedSubclasses()) {
            int[] n = {0};
            Evidence evidence = EvidenceExamples.full(type, () -> "text-" + n[0]++);
            Category own = evidence.category();
            for (Category category : Category.values()) {
                if (own == null || own == category) {
                    assertThat(finding(category, evidence).evidence()).isEqualTo(evidence);
                } else {
                    assertThatThrownBy(() -> finding(category, evidence))
                            .as(type.getSimpleName() + " in a " + category + " finding")
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining(
                                    category.wireName() + " finding cannot carry " + type.getSimpleName());
                }
            }
        }
    }
}
