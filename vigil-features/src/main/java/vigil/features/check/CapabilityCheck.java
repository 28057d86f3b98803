package vigil.features.check;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import vigil.features.internal.DottedVersion;
import vigil.features.matrix.Availability;
import vigil.features.matrix.Capability;
import vigil.features.matrix.DeploymentType;
import vigil.features.matrix.FeatureMatrix;
import vigil.inventory.os.SupportTable;
import vigil.model.OperatingSystem;
import vigil.model.OsSupport;

/** The seed's prerequisites page, answered for one machine: each capability enabled, not applicable or unavailable. */
public final class CapabilityCheck {
    private static final Pattern EL7_BACKPORT = Pattern.compile("^3\\.10\\.0-(\\d+)\\..*el7");

    private final FeatureMatrix matrix;
    private final @Nullable SensorProbe probe;

    /** The seed's lists alone decide: for facts sent from another machine, or where the sensor cannot be tried. */
    public CapabilityCheck(FeatureMatrix matrix) {
        this(matrix, null);
    }

    /** On the machine itself: the sensor tried by {@code probe} decides Threats, the seed's lists add notes. */
    public CapabilityCheck(FeatureMatrix matrix, @Nullable SensorProbe probe) {
        this.matrix = matrix;
        this.probe = probe;
    }

    public List<CapabilityStatus> evaluate(Facts facts) {
        List<CapabilityStatus> statuses = new ArrayList<>();
        for (Capability capability : Capability.values()) {
            statuses.add(evaluate(capability, facts));
        }
        return statuses;
    }

    public CapabilityStatus evaluate(Capability capability, Facts facts) {
        FeatureMatrix.Deployment deployment = matrix.deployment(facts.deployment());
        Availability availability = deployment.availability(capability);
        List<DeploymentType> offeredOn = matrix.offeredOn(capability);
        if (availability == Availability.UNAVAILABLE) {
            List<String> notes = new ArrayList<>();
            if (offeredOn.stream().noneMatch(type -> matrix.deployment(type).agentRequired())) {
                notes.add("runs from the server for cloud accounts, not in the agent");
            }
            return new CapabilityStatus(
                    capability, CapabilityStatus.State.NOT_APPLICABLE, availability, List.of(), notes, offeredOn);
        }
        List<String> unmet = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (availability == Availability.BETA) {
            notes.add("beta on " + facts.deployment().displayName());
        }
        if (deployment.agentRequired() && !DottedVersion.atLeast(facts.agentVersion(), matrix.agentMinimumVersion())) {
            unmet.add("agent " + facts.agentVersion() + " is older than the minimum " + matrix.agentMinimumVersion()
                    + "; upgrade the agent");
        }
        switch (capability) {
            case THREATS -> {
                List<String> outsideTheLists = new ArrayList<>();
                threats(facts, outsideTheLists, notes);
                probed(facts, outsideTheLists, unmet, notes);
            }
            case VULNERABILITIES -> vulnerabilities(facts, unmet, notes);
            default -> {}
        }
        return new CapabilityStatus(
                capability,
                unmet.isEmpty() ? CapabilityStatus.State.ENABLED : CapabilityStatus.State.UNAVAILABLE,
                availability,
                unmet,
                notes,
                offeredOn);
    }

    /**
     * The probe's verdict over the lists': a sensor that loads runs, on a kernel or distribution outside the seed's
     * lists too (said in a note); one that does not load says why, with the lists' reasons.
     */
    private void probed(Facts facts, List<String> outsideTheLists, List<String> unmet, List<String> notes) {
        boolean linux = facts.deployment() != DeploymentType.WINDOWS && facts.deployment() != DeploymentType.FARGATE;
        if (probe == null || !linux) {
            unmet.addAll(outsideTheLists);
            return;
        }
        String failure = probe.failure();
        if (failure == null) {
            notes.add("the sensor loaded and attached its tracepoint programs on this kernel");
            for (String reason : outsideTheLists) {
                notes.add("outside what the seed supports, but the sensor runs: " + reason);
            }
        } else {
            unmet.add("the sensor did not load: " + failure);
            unmet.addAll(outsideTheLists);
        }
        notes.addAll(probe.hookNotes());
    }

    private void threats(Facts facts, List<String> unmet, List<String> notes) {
        if (facts.deployment() == DeploymentType.WINDOWS) {
            // the seed offers Threats on Windows; Vigil's own sensor is eBPF on Linux, so say what runs today
            unmet.add("Vigil's threat sensor runs on Linux (eBPF); a Windows sensor is not built yet");
            return;
        }
        if (facts.deployment() == DeploymentType.FARGATE) {
            // the kernel and distribution are the platform's, not the user's; no eBPF runs there
            notes.add("on Fargate the workload runs under the vigil-trace launcher (ptrace) and the agent with"
                    + " --sensor trace (deploy/ecs/vigil-agent-fargate-sidecar.json)");
            return;
        }
        FeatureMatrix.Threats threats = matrix.threats();
        String kernel = facts.kernelRelease();
        if (!DottedVersion.atLeast(kernel, threats.minimumKernel())) {
            Matcher el7 = EL7_BACKPORT.matcher(kernel);
            boolean backported = el7.find() && Integer.parseInt(el7.group(1)) >= 957;
            if (backported) {
                notes.add("kernel " + kernel + " is older than " + threats.minimumKernel() + " but carries the eBPF"
                        + " backports (" + threats.ebpfBackports() + ")");
            } else {
                unmet.add("kernel " + kernel + " is older than " + threats.minimumKernel()
                        + " and has no eBPF backports; upgrade the kernel");
            }
        }
        if (!facts.btf()) {
            notes.add("the kernel exposes no BTF (/sys/kernel/btf/vmlinux): the sensor needs a kernel built with"
                    + " CONFIG_DEBUG_INFO_BTF");
        }
        OperatingSystem os = facts.os();
        if (os == null) {
            unmet.add("the host's distribution could not be identified (no readable os-release); CSM Threats"
                    + " supports " + listedDistributions());
            return;
        }
        FeatureMatrix.ThreatsDistribution row = matchingDistribution(os, kernel);
        if (row == null) {
            unmet.add(
                    os.prettyName() + " is not among the distributions CSM Threats supports: " + listedDistributions());
            return;
        }
        Pattern stock = threats.distributionKernels().get(row.family());
        if (!threats.customKernelsSupported()
                && stock != null
                && !stock.matcher(kernel).find()) {
            unmet.add("kernel " + kernel + " is not a " + row.name() + " kernel build; custom kernel builds are not"
                    + " supported (boot a distribution kernel)");
        }
    }

    private FeatureMatrix.@Nullable ThreatsDistribution matchingDistribution(OperatingSystem os, String kernel) {
        String family = os.family().id();
        String major = os.majorVersion();
        String majorMinor = os.minorVersion();
        for (FeatureMatrix.ThreatsDistribution row : matrix.threats().distributions()) {
            if (!familyMatches(row.family(), family)) {
                continue;
            }
            boolean version = row.minimumVersion() != null
                    ? DottedVersion.atLeast(major, row.minimumVersion())
                    : row.versions().contains(major) || row.versions().contains(majorMinor);
            if (!version) {
                continue;
            }
            if (!row.kernels().isEmpty()) {
                List<Integer> k = DottedVersion.parse(kernel);
                String series = k.size() >= 2 ? k.get(0) + "." + k.get(1) : kernel;
                if (!row.kernels().contains(series)) {
                    continue;
                }
            }
            return row;
        }
        return null;
    }

    private static boolean familyMatches(String rowFamily, String osFamily) {
        return rowFamily.equals(osFamily);
    }

    private String listedDistributions() {
        return matrix.threats().distributions().stream()
                .map(row -> row.name() + " " + row.listed())
                .collect(Collectors.joining("; "));
    }

    private void vulnerabilities(Facts facts, List<String> unmet, List<String> notes) {
        FeatureMatrix.Vulnerabilities rules = matrix.vulnerabilities();
        DeploymentType deployment = facts.deployment();
        for (String unsupported : rules.unsupportedRuntimes()) {
            ContainerRuntime runtime = facts.runtime(unsupported);
            if (runtime != null && facts.runtime("containerd") == null) {
                unmet.add("the container runtime is " + unsupported + " (" + runtime.endpoint() + "); CSM"
                        + " Vulnerabilities is not available for the CRI-O and podman runtimes");
            }
        }
        if (rules.containerdDeployments().contains(deployment)) {
            ContainerRuntime containerd = facts.runtime("containerd");
            if (containerd == null) {
                if (deployment == DeploymentType.KUBERNETES) {
                    unmet.add("no containerd socket found on the node; containers are scanned through containerd "
                            + rules.containerdMinimum() + " or later (mount /run/containerd/containerd.sock)");
                } else {
                    notes.add("no containerd on this host: its packages are scanned, container images are not"
                            + " (they need containerd " + rules.containerdMinimum() + " or later)");
                }
            } else if (containerd.version() == null) {
                notes.add("containerd's version could not be read; " + rules.containerdMinimum()
                        + " or later is required");
            } else if (!DottedVersion.atLeast(containerd.version(), rules.containerdMinimum())) {
                unmet.add("containerd " + containerd.version() + " is older than " + rules.containerdMinimum()
                        + "; upgrade containerd");
            }
        }
        if (rules.helmChartDeployments().contains(deployment)) {
            String chart = facts.helmChartVersion();
            if (chart == null) {
                unmet.add("the agent was not installed by the Vigil Helm chart (VIGIL_HELM_CHART_VERSION is unset);"
                        + " install it with chart v" + rules.helmChartMinimum() + " or later");
            } else if (!DottedVersion.atLeast(chart, rules.helmChartMinimum())) {
                unmet.add("Helm chart v" + chart + " is older than v" + rules.helmChartMinimum()
                        + "; upgrade the release");
            }
        }
        OperatingSystem os = facts.os();
        if (os == null) {
            unmet.add("the host's OS could not be identified, so its packages cannot be matched to advisories");
        } else {
            OsSupport support = SupportTable.judge(os);
            if (!support.scannable()) {
                unmet.add(support.reason());
            } else if (support.level() == OsSupport.Level.NEWER_RELEASE) {
                notes.add(support.reason());
            }
        }
    }

    /** Whether an agent version meets a minimum (numeric dotted comparison, "0.1.0-SNAPSHOT" reads 0.1.0). */
    public static boolean meetsMinimum(String version, String minimum) {
        return DottedVersion.atLeast(version, minimum);
    }

    /** "not applicable (offered on AWS Account, Azure Account)" and friends, for tables. */
    public static String describe(CapabilityStatus status) {
        return switch (status.state()) {
                    case ENABLED -> "enabled";
                    case NOT_APPLICABLE ->
                        "not applicable (offered on "
                                + status.offeredOn().stream()
                                        .map(DeploymentType::displayName)
                                        .collect(Collectors.joining(", "))
                                + ")";
                    case UNAVAILABLE -> "unavailable: " + String.join("; ", status.unmet());
                }
                + (status.notes().isEmpty() ? "" : " [" + String.join("; ", status.notes()) + "]");
    }
}
