package vigil.posture.engine;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;
import vigil.posture.model.Resource;
import vigil.posture.rule.Rule;

/**
 * A rule's verdict on one resource with the evidence that decided it.
 *
 * @param evidence the fields the rule read, in the order it read them
 * @param detail for {@code ERROR} and {@code UNKNOWN}, why; else empty
 */
public record Result(Rule rule, Resource resource, Status status, List<FieldRead> evidence, String detail) {
    public Result {
        requireNonNull(rule, "rule is null");
        requireNonNull(resource, "resource is null");
        requireNonNull(status, "status is null");
        evidence = List.copyOf(evidence);
        requireNonNull(detail, "detail is null");
    }

    /** The evidence in one line: {@code permitrootlogin -> "yes", port -> 22}. */
    public String actual() {
        if (evidence.isEmpty()) {
            return detail.isEmpty() ? "(no field read)" : detail;
        }
        return evidence.stream().map(FieldRead::toString).collect(Collectors.joining(", "));
    }
}
