package vigil.features.check;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Whether Vigil's kernel sensor loads and attaches on this machine, found by trying it (ADR 0045): what decides CSM
 * Threats where it can be tried, beside the seed's list of distributions and kernels.
 */
@FunctionalInterface
public interface SensorProbe {
    /** Null when the sensor loaded and attached; otherwise why not, in words a user can act on. */
    @Nullable
    String failure();

    /** What the kernel answered for each kind of BPF hook (ADR 0050), as lines for people; none when not tried. */
    default List<String> hookNotes() {
        return List.of();
    }
}
