package vigil.posture.checks;

import java.util.List;
import vigil.posture.model.Resource;

/** What a resolver read of a target, and what it could not (each note names the file or call and why). */
public record Resolved(List<Resource> resources, List<String> notes) {
    public Resolved {
        resources = List.copyOf(resources);
        notes = List.copyOf(notes);
    }
}
