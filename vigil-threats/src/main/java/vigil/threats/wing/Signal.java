package vigil.threats.wing;

import org.jspecify.annotations.Nullable;
import vigil.model.Severity;
import vigil.model.finding.Evidence;

/**
 * One signal of a section, checked: its id (unique per organization), the rule, its severity, and the evidence that
 * becomes the finding's (which holds the process, its ancestors, the container, the event's fields and the actions).
 */
public record Signal(
        String id, String ruleId, @Nullable String ruleDescription, Severity severity, Evidence.ThreatSignal evidence) {

    /** The path of the process that caused the event. */
    public String processPath() {
        Evidence.ThreatSignal.Process process = evidence.process();
        return process == null ? "" : process.executable();
    }

    public @Nullable String containerImage() {
        return evidence.workload().image();
    }
}
