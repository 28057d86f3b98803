package vigil.model.finding;

import static java.util.Objects.requireNonNull;

import java.util.List;
import vigil.model.Severity;

/**
 * The rule a finding answers: a posture rule, a threat rule, or for vulnerabilities the vulnerability itself (id =
 * CVE or advisory id).
 *
 * @param frameworks compliance framework requirements this rule maps to ({@code cis-aws-1.5:2.1.1}, ...)
 */
public record RuleRef(String id, String title, Severity severity, List<String> frameworks) {
    public RuleRef {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(severity, "severity is null");
        frameworks = List.copyOf(frameworks);
    }
}
