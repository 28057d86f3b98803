package vigil.model.finding;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The one record every capability emits.
 *
 * @param id stable fingerprint of rule + resource + subject (see {@link Fingerprint}); the same problem on the same
 *     resource keeps its id across scans, so first/last seen and triage survive rescans
 */
public record Finding(
        String id,
        Category category,
        RuleRef rule,
        Resource resource,
        FindingStatus status,
        Instant firstSeen,
        Instant lastSeen,
        Evidence evidence,
        @Nullable String remediation) {

    public Finding {
        requireNonNull(id, "id is null");
        requireNonNull(category, "category is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(resource, "resource is null");
        requireNonNull(status, "status is null");
        requireNonNull(firstSeen, "firstSeen is null");
        requireNonNull(lastSeen, "lastSeen is null");
        requireNonNull(evidence, "evidence is null");
        Category fits = evidence.category();
        if (fits != null && fits != category) {
            // a posture result stored as a vulnerability would be counted, grouped and exported as one
            throw new IllegalArgumentException("a " + category.wireName() + " finding cannot carry "
                    + evidence.getClass().getSimpleName() + " evidence, which is " + fits.wireName() + " evidence");
        }
        if (lastSeen.isBefore(firstSeen)) {
            throw new IllegalArgumentException("lastSeen " + lastSeen + " is before firstSeen " + firstSeen);
        }
    }
}
