package vigil.features.matrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seed's CSM prerequisites as one definition, read from {@code feature-matrix.json}: which capability each
 * deployment type offers (GA, beta or not at all), whether it needs the agent, and the prerequisites of each
 * capability. The agent decides what to run from it; the server explains what is off and why.
 */
public record FeatureMatrix(
        String agentMinimumVersion,
        Map<DeploymentType, Deployment> deployments,
        Threats threats,
        Vulnerabilities vulnerabilities) {

    /** One row of the deployment table. */
    public record Deployment(DeploymentType type, boolean agentRequired, Map<Capability, Availability> capabilities) {
        public Deployment {
            capabilities = Map.copyOf(capabilities);
        }

        public Availability availability(Capability capability) {
            return capabilities.getOrDefault(capability, Availability.UNAVAILABLE);
        }
    }

    /**
     * One row of the Threats distribution table.
     *
     * @param versions releases listed one by one (empty when {@code minimumVersion} says "N or later")
     * @param kernels for Amazon Linux 2, the kernel series listed
     */
    public record ThreatsDistribution(
            String name,
            String family,
            List<String> versions,
            @Nullable String minimumVersion,
            List<String> kernels,
            String listed) {
        public ThreatsDistribution {
            versions = List.copyOf(versions);
            kernels = List.copyOf(kernels);
        }
    }

    /** The CSM Threats prerequisites. */
    public record Threats(
            String minimumKernel,
            String ebpfBackports,
            boolean customKernelsSupported,
            List<ThreatsDistribution> distributions,
            Map<String, Pattern> distributionKernels) {
        public Threats {
            distributions = List.copyOf(distributions);
            distributionKernels = Map.copyOf(distributionKernels);
        }
    }

    /** The CSM Vulnerabilities prerequisites (the OS table lives in {@code vigil.inventory.os.SupportTable}). */
    public record Vulnerabilities(
            String helmChartMinimum,
            List<DeploymentType> helmChartDeployments,
            String containerdMinimum,
            List<DeploymentType> containerdDeployments,
            List<String> unsupportedRuntimes) {
        public Vulnerabilities {
            helmChartDeployments = List.copyOf(helmChartDeployments);
            containerdDeployments = List.copyOf(containerdDeployments);
            unsupportedRuntimes = List.copyOf(unsupportedRuntimes);
        }
    }

    public FeatureMatrix {
        deployments = Map.copyOf(deployments);
    }

    public Deployment deployment(DeploymentType type) {
        Deployment deployment = deployments.get(type);
        if (deployment == null) {
            throw new IllegalStateException("the feature matrix has no row for " + type.displayName());
        }
        return deployment;
    }

    /** The deployment types where {@code capability} is offered (GA or beta), in the seed's order. */
    public List<DeploymentType> offeredOn(Capability capability) {
        List<DeploymentType> types = new ArrayList<>();
        for (DeploymentType type : DeploymentType.values()) {
            Deployment deployment = deployments.get(type);
            if (deployment != null && deployment.availability(capability) != Availability.UNAVAILABLE) {
                types.add(type);
            }
        }
        return types;
    }

    /** The same matrix with another agent minimum version (the server's setting). */
    public FeatureMatrix withAgentMinimumVersion(String version) {
        return new FeatureMatrix(version, deployments, threats, vulnerabilities);
    }

    private static final class Holder {
        static final FeatureMatrix DEFAULT = load();
    }

    /** The matrix shipped with Vigil. */
    public static FeatureMatrix defaults() {
        return Holder.DEFAULT;
    }

    private static FeatureMatrix load() {
        try (InputStream in = FeatureMatrix.class.getResourceAsStream("feature-matrix.json")) {
            if (in == null) {
                throw new IllegalStateException("feature-matrix.json is missing from vigil-features' resources");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a matrix file; a file that does not describe every deployment type and capability is refused. */
    public static FeatureMatrix parse(InputStream in) throws IOException {
        try {
            return parseChecked(in);
        } catch (IllegalArgumentException e) {
            // an unknown deployment, capability or availability id, or a bad kernel pattern
            throw new IOException("the feature matrix is invalid: " + e.getMessage(), e);
        }
    }

    private static FeatureMatrix parseChecked(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(in);
        } catch (JacksonException e) {
            throw new IOException("the feature matrix is not valid JSON: " + e.getOriginalMessage(), e);
        }
        Map<DeploymentType, Deployment> deployments = new EnumMap<>(DeploymentType.class);
        for (JsonNode node : root.path("deployments")) {
            DeploymentType type = DeploymentType.ofId(text(node, "id"));
            Map<Capability, Availability> capabilities = new EnumMap<>(Capability.class);
            for (Map.Entry<String, JsonNode> entry : node.path("capabilities").properties()) {
                capabilities.put(
                        Capability.ofId(entry.getKey()),
                        Availability.valueOf(entry.getValue().asString()));
            }
            deployments.put(
                    type, new Deployment(type, node.path("agentRequired").asBoolean(), capabilities));
        }
        for (DeploymentType type : DeploymentType.values()) {
            if (!deployments.containsKey(type)) {
                throw new IOException("the feature matrix has no row for " + type.displayName());
            }
        }
        JsonNode threatsNode = root.path("threats");
        List<ThreatsDistribution> distributions = new ArrayList<>();
        for (JsonNode node : threatsNode.path("distributions")) {
            distributions.add(new ThreatsDistribution(
                    text(node, "name"),
                    text(node, "family"),
                    strings(node.path("versions")),
                    node.has("minimumVersion") ? text(node, "minimumVersion") : null,
                    strings(node.path("kernels")),
                    text(node, "listed")));
        }
        Map<String, Pattern> kernels = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry :
                threatsNode.path("distributionKernels").properties()) {
            kernels.put(entry.getKey(), Pattern.compile(entry.getValue().asString()));
        }
        Threats threats = new Threats(
                text(threatsNode, "minimumKernel"),
                text(threatsNode, "ebpfBackports"),
                threatsNode.path("customKernelsSupported").asBoolean(),
                distributions,
                kernels);
        JsonNode vulnNode = root.path("vulnerabilities");
        Vulnerabilities vulnerabilities = new Vulnerabilities(
                text(vulnNode, "helmChartMinimum"),
                strings(vulnNode.path("helmChartDeployments")).stream()
                        .map(DeploymentType::ofId)
                        .toList(),
                text(vulnNode, "containerdMinimum"),
                strings(vulnNode.path("containerdDeployments")).stream()
                        .map(DeploymentType::ofId)
                        .toList(),
                strings(vulnNode.path("unsupportedRuntimes")));
        return new FeatureMatrix(text(root.path("agent"), "minimumVersion"), deployments, threats, vulnerabilities);
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IOException("the feature matrix lacks the text field '" + field + "'");
        }
        return value.asString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
