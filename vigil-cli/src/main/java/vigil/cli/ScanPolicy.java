package vigil.cli;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import vigil.model.FixState;
import vigil.model.PackageVulnerability;
import vigil.model.ScanResult;
import vigil.model.Severity;

/**
 * What a scan reports and when it fails: {@code --severity}, {@code --ignore-unfixed} and {@code --fail-on}.
 *
 * @param severities severities to report; empty means all
 * @param failOn the least severity that makes the scan exit with {@link ExitCodes#FINDINGS}; null never fails
 */
record ScanPolicy(
        Set<Severity> severities,
        boolean ignoreUnfixed,
        @Nullable Severity failOn) {
    ScanPolicy {
        severities = severities.isEmpty() ? EnumSet.allOf(Severity.class) : EnumSet.copyOf(severities);
    }

    List<PackageVulnerability> filter(List<PackageVulnerability> vulnerabilities) {
        return vulnerabilities.stream()
                .filter(match -> severities.contains(match.severity()))
                .filter(match -> !ignoreUnfixed || match.fixState() == FixState.FIXED)
                .toList();
    }

    ScanResult apply(ScanResult result) {
        return new ScanResult(result.inventory(), filter(result.vulnerabilities()), result.database());
    }

    /** The exit code of a filtered result. */
    int exitCode(ScanResult filtered) {
        if (failOn == null) {
            return ExitCodes.OK;
        }
        if (!filtered.inventory().osSupport().scannable()) {
            return ExitCodes.NOT_SCANNABLE;
        }
        boolean failing = filtered.vulnerabilities().stream()
                .anyMatch(match -> match.severity().atLeast(failOn));
        return failing ? ExitCodes.FINDINGS : ExitCodes.OK;
    }
}
