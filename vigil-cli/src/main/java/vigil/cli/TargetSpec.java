package vigil.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** What the person asked to scan. */
sealed interface TargetSpec {
    /** The live host, or a host's root mounted elsewhere. */
    record Host(Path root) implements TargetSpec {}

    /** An unpacked root filesystem. */
    record Rootfs(Path directory) implements TargetSpec {}

    /** A docker-archive or OCI image (directory or tar). */
    record Image(Path path, @Nullable String platform) implements TargetSpec {}

    /** An existing CycloneDX SBOM. */
    record Sbom(Path file) implements TargetSpec {}
}
