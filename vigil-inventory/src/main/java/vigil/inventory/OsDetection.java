package vigil.inventory;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;
import vigil.model.OperatingSystem;
import vigil.model.OsSupport;

/** The OS found in a root filesystem (null when none could be identified) and whether Vigil scans it. */
public record OsDetection(@Nullable OperatingSystem os, OsSupport support) {
    public OsDetection {
        requireNonNull(support, "support is null");
    }
}
