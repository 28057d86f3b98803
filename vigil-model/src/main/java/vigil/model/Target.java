package vigil.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** What was scanned: a live host, a root filesystem directory, a container image, or an existing SBOM. */
public record Target(Kind kind, String name, @Nullable String digest) {
    public enum Kind {
        HOST,
        ROOTFS,
        IMAGE,
        SBOM
    }

    public Target {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
    }
}
