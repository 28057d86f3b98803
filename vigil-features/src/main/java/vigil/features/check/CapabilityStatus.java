package vigil.features.check;

import java.util.List;
import vigil.features.matrix.Availability;
import vigil.features.matrix.Capability;
import vigil.features.matrix.DeploymentType;

/**
 * One capability, answered for one machine.
 *
 * @param availability how the deployment type offers it (GA or beta); UNAVAILABLE when not at all
 * @param unmet every prerequisite this machine does not meet, each saying what is needed and what was found
 * @param notes facts worth knowing that do not turn the capability off (beta, parts not covered)
 * @param offeredOn where the capability is offered, for "not applicable"
 */
public record CapabilityStatus(
        Capability capability,
        State state,
        Availability availability,
        List<String> unmet,
        List<String> notes,
        List<DeploymentType> offeredOn) {
    public enum State {
        ENABLED,
        NOT_APPLICABLE,
        UNAVAILABLE
    }

    public CapabilityStatus {
        unmet = List.copyOf(unmet);
        notes = List.copyOf(notes);
        offeredOn = List.copyOf(offeredOn);
    }
}
