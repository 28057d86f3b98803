package vigil.misconfigurations.wing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import vigil.model.Severity;

/**
 * One rule's verdict on one resource, as a {@code posture} section carries it (docs/posture-results.md).
 *
 * @param status {@code pass}, {@code fail}, {@code unknown} or {@code error} (skipped verdicts are not sent)
 * @param evidence the fields the rule read and their values, in the order it read them
 * @param controls framework requirements the rule evidences ({@code cis-debian-11:5.1.20})
 */
public record Verdict(
        String ruleId,
        String title,
        Severity severity,
        String status,
        String resourceType,
        String resourceId,
        String resourceName,
        Map<String, String> evidence,
        String expected,
        List<String> controls,
        String remediation,
        String detail) {

    public Verdict {
        requireNonNull(ruleId, "ruleId is null");
        requireNonNull(title, "title is null");
        requireNonNull(severity, "severity is null");
        requireNonNull(status, "status is null");
        requireNonNull(resourceType, "resourceType is null");
        requireNonNull(resourceId, "resourceId is null");
        requireNonNull(resourceName, "resourceName is null");
        evidence = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evidence));
        requireNonNull(expected, "expected is null");
        controls = List.copyOf(controls);
        requireNonNull(remediation, "remediation is null");
        requireNonNull(detail, "detail is null");
    }
}
