package vigil.features.check;

import org.jspecify.annotations.Nullable;

/**
 * A container runtime found on the host.
 *
 * @param name {@code containerd}, {@code docker}, {@code cri-o} or {@code podman}
 * @param version its version, when it could be read
 * @param endpoint the socket that revealed it
 */
public record ContainerRuntime(String name, @Nullable String version, String endpoint) {}
