package vigil.posture.rule;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.model.Severity;

/**
 * A posture rule as data: what it checks and why, how to fix a failure, which framework requirements it evidences,
 * and its CEL predicate over one resource ({@code check}: true passes, false fails).
 *
 * @param id stable and unique across every loaded file ({@code vigil-linux-sshd-root-login})
 * @param resourceTypes the {@link vigil.posture.model.Resource#type()}s it is evaluated on
 * @param resourceNames when not empty, the only {@link vigil.posture.model.Resource#name()}s it is evaluated on
 *     ({@code /etc/shadow}; {@code *} matches any run of characters): a rule about one file gives no result at all
 *     on the others, where {@code applies} would give "skipped"
 * @param frameworks framework id ({@code cis-docker-1.6}) to the requirement ids it evidences ({@code 5.4})
 * @param applies evaluated first when present: false skips the resource (a rule for TLS listeners on a plain one)
 * @param expected what a passing resource has, in words, for the evidence ({@code PermitRootLogin no})
 * @param examples resources the rule must pass, fail, skip or leave unknown ({@code vigil rules test})
 */
public record Rule(
        String id,
        String title,
        Severity severity,
        List<String> resourceTypes,
        List<String> resourceNames,
        String rationale,
        Remediation remediation,
        List<String> references,
        Map<String, List<String>> frameworks,
        @Nullable Expression applies,
        Expression check,
        String expected,
        List<Example> examples,
        Position position) {

    public Rule {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(severity, "severity is null");
        resourceTypes = List.copyOf(resourceTypes);
        resourceNames = List.copyOf(resourceNames);
        requireNonNull(rationale, "rationale is null");
        requireNonNull(remediation, "remediation is null");
        references = List.copyOf(references);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        frameworks.forEach((framework, requirements) -> copy.put(framework, List.copyOf(requirements)));
        frameworks = Collections.unmodifiableMap(copy);
        requireNonNull(check, "check is null");
        requireNonNull(expected, "expected is null");
        examples = List.copyOf(examples);
        requireNonNull(position, "position is null");
    }

    /** Whether this rule is evaluated on a resource of this name (its types are checked by the engine's index). */
    public boolean names(String name) {
        if (resourceNames.isEmpty()) {
            return true;
        }
        for (String pattern : resourceNames) {
            if (pattern.contains("*")
                    ? name.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q"))
                    : pattern.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Framework controls as findings name them: {@code cis-docker-1.6:5.4}. */
    public List<String> controls() {
        return frameworks.entrySet().stream()
                .flatMap(entry -> entry.getValue().stream().map(requirement -> entry.getKey() + ":" + requirement))
                .toList();
    }

    /** A CEL expression and where its text starts in the rule file, so CEL's own errors point into the file. */
    public record Expression(String text, Position start) {
        public Expression {
            requireNonNull(text, "text is null");
            requireNonNull(start, "start is null");
        }

        /** Where CEL's 1-based line and 0-based column fall in the file. */
        public Position at(int celLine, int celColumn) {
            return celLine <= 1 ? start.shift(0, celColumn) : start.shift(celLine - 1, start.column() - 1 + celColumn);
        }
    }

    /** How to fix a failure: words, and the snippets for the tools people fix it with. Empty strings when absent. */
    public record Remediation(String text, String shell, String terraform, String cloudformation, String kubectl) {
        public static final Remediation NONE = new Remediation("", "", "", "", "");

        public Remediation {
            requireNonNull(text, "text is null");
            requireNonNull(shell, "shell is null");
            requireNonNull(terraform, "terraform is null");
            requireNonNull(cloudformation, "cloudformation is null");
            requireNonNull(kubectl, "kubectl is null");
        }
    }

    /**
     * A resource the rule must give {@code expect} for: its attributes and the attributes of what it relates to.
     *
     * @param related relation kind to the related resources' attributes, as {@code related.KIND} reads them
     */
    public record Example(
            Expect expect, Map<String, Object> attributes, Map<String, Object> related, Position position) {
        public Example {
            requireNonNull(expect, "expect is null");
            attributes = vigil.posture.model.Values.map(attributes);
            related = vigil.posture.model.Values.map(related);
            requireNonNull(position, "position is null");
        }
    }

    /** What an example must give. */
    public enum Expect {
        PASS,
        FAIL,
        UNKNOWN,
        SKIPPED
    }
}
