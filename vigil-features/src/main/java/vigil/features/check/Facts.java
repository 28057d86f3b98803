package vigil.features.check;

import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.features.matrix.DeploymentType;
import vigil.model.OperatingSystem;

/**
 * What the agent knows about where it runs, each fact read from a real signal.
 *
 * @param deploymentSignals the signals that decided the deployment type, for people to check
 * @param os the host's OS (read from the host root when the agent runs in a container); null when unknown
 * @param runtimes the container runtimes found, the one vulnerability scanning would use first
 * @param helmChartVersion the Vigil Helm chart's version, which the chart passes to the agent
 * @param btf whether the kernel exposes BTF type information (the eBPF sensor needs it)
 */
public record Facts(
        DeploymentType deployment,
        List<String> deploymentSignals,
        @Nullable OperatingSystem os,
        String kernelRelease,
        String architecture,
        List<ContainerRuntime> runtimes,
        @Nullable String helmChartVersion,
        String agentVersion,
        boolean btf) {
    public Facts {
        deploymentSignals = List.copyOf(deploymentSignals);
        runtimes = List.copyOf(runtimes);
    }

    public @Nullable ContainerRuntime runtime(String name) {
        return runtimes.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }
}
