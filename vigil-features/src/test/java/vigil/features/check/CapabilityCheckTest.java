package vigil.features.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import vigil.features.internal.DottedVersion;
import vigil.features.matrix.Capability;
import vigil.features.matrix.DeploymentType;
import vigil.features.matrix.FeatureMatrix;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;

/** The prerequisites page answered for machines of every kind the seed names. */
class CapabilityCheckTest {
    private final CapabilityCheck check = new CapabilityCheck(FeatureMatrix.defaults());

    private static Facts facts(
            DeploymentType deployment,
            @Nullable OperatingSystem os,
            String kernel,
            List<ContainerRuntime> runtimes,
            @Nullable String helm) {
        return new Facts(deployment, List.of("test"), os, kernel, "x86_64", runtimes, helm, "0.1.0", true);
    }

    private static OperatingSystem os(OsFamily family, String version) {
        return new OperatingSystem(family, version, family.displayName() + " " + version);
    }

    private Map<Capability, CapabilityStatus> evaluate(Facts facts) {
        return check.evaluate(facts).stream()
                .collect(Collectors.toMap(CapabilityStatus::capability, Function.identity()));
    }

    @Test
    void aStockUbuntuLtsHostRunsEverythingItsDeploymentOffers() {
        var statuses = evaluate(facts(
                DeploymentType.LINUX,
                os(OsFamily.UBUNTU, "22.04"),
                "5.15.0-91-generic",
                List.of(new ContainerRuntime("containerd", "1.6.20", "/run/containerd/containerd.sock")),
                null));
        assertThat(statuses.get(Capability.MISCONFIGURATIONS).state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(statuses.get(Capability.THREATS).state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(statuses.get(Capability.VULNERABILITIES).state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(statuses.get(Capability.IDENTITY_RISKS).state()).isEqualTo(CapabilityStatus.State.NOT_APPLICABLE);
        assertThat(statuses.get(Capability.IDENTITY_RISKS).offeredOn())
                .containsExactly(DeploymentType.AWS_ACCOUNT, DeploymentType.AZURE_ACCOUNT);
    }

    /** Where the sensor can be tried, it decides: a custom kernel that runs it is enabled, with the lists' reasons as notes. */
    @Test
    void aSensorThatLoadsEnablesThreatsOutsideTheListsAndOneThatFailsSaysWhy() {
        Facts custom = facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "12.5"), "6.18.44-fc-v657", List.of(), null);
        CapabilityStatus runs =
                new CapabilityCheck(FeatureMatrix.defaults(), () -> null).evaluate(Capability.THREATS, custom);
        assertThat(runs.state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(runs.unmet()).isEmpty();
        assertThat(runs.notes())
                .contains("the sensor loaded and attached its tracepoint programs on this kernel")
                .anySatisfy(note -> assertThat(note)
                        .startsWith("outside what the seed supports, but the sensor runs:")
                        .contains("custom kernel builds are not supported"));

        Facts stock = facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "12.5"), "6.1.0-18-amd64", List.of(), null);
        CapabilityStatus refused = new CapabilityCheck(
                        FeatureMatrix.defaults(), () -> "the kernel refused to attach the sensor's on_exec (EPERM)")
                .evaluate(Capability.THREATS, stock);
        assertThat(refused.state()).isEqualTo(CapabilityStatus.State.UNAVAILABLE);
        assertThat(refused.unmet())
                .containsExactly("the sensor did not load: the kernel refused to attach the sensor's on_exec (EPERM)");

        // Windows is not probed: its sensor is not built, whatever a probe would say
        Facts windows = facts(DeploymentType.WINDOWS, null, "10.0.20348", List.of(), null);
        CapabilityStatus onWindows =
                new CapabilityCheck(FeatureMatrix.defaults(), () -> null).evaluate(Capability.THREATS, windows);
        assertThat(onWindows.unmet()).singleElement().asString().contains("a Windows sensor is not built yet");
    }

    /** The kernel's answers for each kind of BPF hook (ADR 0050) follow the probe's verdict, loaded or not. */
    @Test
    void theHookVerdictsAreNotesWhetherTheSensorLoadsOrNot() {
        Facts stock = facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "12.5"), "6.1.0-18-amd64", List.of(), null);
        List<String> hooks =
                List.of("kernel hooks that load and attach here: tp_btf; the sensor uses tp_btf", "lsm refused");
        for (String failure : java.util.Arrays.asList(null, "the kernel refused it (EPERM)")) {
            SensorProbe probe = new SensorProbe() {
                @Override
                public @Nullable String failure() {
                    return failure;
                }

                @Override
                public List<String> hookNotes() {
                    return hooks;
                }
            };
            CapabilityStatus status =
                    new CapabilityCheck(FeatureMatrix.defaults(), probe).evaluate(Capability.THREATS, stock);
            assertThat(status.notes()).as("failure %s", failure).containsSubsequence(hooks);
        }
    }

    @Test
    void customKernelsAndUnlistedDistributionsTurnThreatsOff() {
        CapabilityStatus custom = check.evaluate(
                Capability.THREATS,
                facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "12.5"), "6.18.44-fc-v657", List.of(), null));
        assertThat(custom.state()).isEqualTo(CapabilityStatus.State.UNAVAILABLE);
        assertThat(custom.unmet()).singleElement().asString().contains("custom kernel builds are not supported");

        CapabilityStatus stock = check.evaluate(
                Capability.THREATS,
                facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "12.5"), "6.1.0-18-amd64", List.of(), null));
        assertThat(stock.state()).isEqualTo(CapabilityStatus.State.ENABLED);

        CapabilityStatus debian9 = check.evaluate(
                Capability.THREATS,
                facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "9.13"), "4.19.0-27-amd64", List.of(), null));
        assertThat(debian9.unmet()).singleElement().asString().contains("not among the distributions");

        CapabilityStatus ubuntu2404 = check.evaluate(
                Capability.THREATS,
                facts(DeploymentType.LINUX, os(OsFamily.UBUNTU, "24.04"), "6.8.0-31-generic", List.of(), null));
        assertThat(ubuntu2404.unmet()).singleElement().asString().contains("Ubuntu LTS 18.04, 20.04, 22.04");
    }

    @Test
    void oldKernelsNeedTheEbpfBackports() {
        CapabilityStatus centos7 = check.evaluate(
                Capability.THREATS,
                facts(
                        DeploymentType.LINUX,
                        os(OsFamily.CENTOS, "7.9.2009"),
                        "3.10.0-1160.119.1.el7.x86_64",
                        List.of(),
                        null));
        assertThat(centos7.state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(centos7.notes()).anySatisfy(note -> assertThat(note).contains("eBPF backports"));

        CapabilityStatus centos75 = check.evaluate(
                Capability.THREATS,
                facts(DeploymentType.LINUX, os(OsFamily.CENTOS, "7.5"), "3.10.0-862.el7.x86_64", List.of(), null));
        assertThat(centos75.unmet()).anySatisfy(reason -> assertThat(reason).contains("older than 4.15.0"));
    }

    @Test
    void amazonLinux2IsSupportedOnTheListedKernelSeriesOnly() {
        var listed = check.evaluate(
                Capability.THREATS,
                facts(
                        DeploymentType.LINUX,
                        os(OsFamily.AMAZON, "2"),
                        "5.10.210-201.852.amzn2.x86_64",
                        List.of(),
                        null));
        assertThat(listed.state()).isEqualTo(CapabilityStatus.State.ENABLED);
        var unlisted = check.evaluate(
                Capability.THREATS,
                facts(DeploymentType.LINUX, os(OsFamily.AMAZON, "2"), "6.1.77-99.164.amzn2.x86_64", List.of(), null));
        assertThat(unlisted.state()).isEqualTo(CapabilityStatus.State.UNAVAILABLE);
        var al2023 = check.evaluate(
                Capability.THREATS,
                facts(
                        DeploymentType.LINUX,
                        os(OsFamily.AMAZON, "2023"),
                        "6.1.77-99.164.amzn2023.x86_64",
                        List.of(),
                        null));
        assertThat(al2023.state()).isEqualTo(CapabilityStatus.State.ENABLED);
    }

    @Test
    void kubernetesVulnerabilitiesNeedContainerdAndTheHelmChart() {
        OperatingSystem ubuntu = os(OsFamily.UBUNTU, "22.04");
        ContainerRuntime modern = new ContainerRuntime("containerd", "1.7.13", "/run/containerd/containerd.sock");
        assertThat(check.evaluate(
                                Capability.VULNERABILITIES,
                                facts(
                                        DeploymentType.KUBERNETES,
                                        ubuntu,
                                        "5.15.0-91-generic",
                                        List.of(modern),
                                        "3.49.6"))
                        .state())
                .isEqualTo(CapabilityStatus.State.ENABLED);

        CapabilityStatus old = check.evaluate(
                Capability.VULNERABILITIES,
                facts(
                        DeploymentType.KUBERNETES,
                        ubuntu,
                        "5.15.0-91-generic",
                        List.of(new ContainerRuntime("containerd", "1.5.5", "/run/containerd/containerd.sock")),
                        "3.40.0"));
        assertThat(old.unmet())
                .hasSize(2)
                .anySatisfy(reason -> assertThat(reason).contains("containerd 1.5.5 is older than 1.5.6"))
                .anySatisfy(reason -> assertThat(reason).contains("Helm chart v3.40.0 is older than v3.49.6"));

        CapabilityStatus crio = check.evaluate(
                Capability.VULNERABILITIES,
                facts(
                        DeploymentType.KUBERNETES,
                        ubuntu,
                        "5.15.0-91-generic",
                        List.of(new ContainerRuntime("cri-o", "1.29.1", "/var/run/crio/crio.sock")),
                        "3.50.0"));
        assertThat(crio.unmet())
                .anySatisfy(reason -> assertThat(reason).contains("not available for the CRI-O and podman"))
                .anySatisfy(reason -> assertThat(reason).contains("no containerd socket"));

        CapabilityStatus noChart = check.evaluate(
                Capability.VULNERABILITIES,
                facts(DeploymentType.KUBERNETES, ubuntu, "5.15.0-91-generic", List.of(modern), null));
        assertThat(noChart.unmet()).singleElement().asString().contains("VIGIL_HELM_CHART_VERSION");
    }

    @Test
    void hostsWithoutContainerdAreScannedWithANoteAndUnsupportedOsesAreNot() {
        CapabilityStatus host = check.evaluate(
                Capability.VULNERABILITIES,
                facts(DeploymentType.LINUX, os(OsFamily.DEBIAN, "12.5"), "6.1.0-18-amd64", List.of(), null));
        assertThat(host.state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(host.notes()).singleElement().asString().contains("container images are not");

        CapabilityStatus edge = check.evaluate(
                Capability.VULNERABILITIES,
                facts(DeploymentType.LINUX, os(OsFamily.ALPINE, "edge"), "6.6.1-0-lts", List.of(), null));
        assertThat(edge.state()).isEqualTo(CapabilityStatus.State.UNAVAILABLE);
        assertThat(edge.unmet()).anySatisfy(reason -> assertThat(reason).containsIgnoringCase("edge"));

        CapabilityStatus unknown = check.evaluate(
                Capability.VULNERABILITIES, facts(DeploymentType.LINUX, null, "6.1.0-18-amd64", List.of(), null));
        assertThat(unknown.unmet()).anySatisfy(reason -> assertThat(reason).contains("could not be identified"));
    }

    @Test
    void theServersMinimumAgentVersionApplies() {
        CapabilityCheck strict = new CapabilityCheck(FeatureMatrix.defaults().withAgentMinimumVersion("0.2.0"));
        CapabilityStatus status = strict.evaluate(
                Capability.MISCONFIGURATIONS,
                facts(DeploymentType.DOCKER, os(OsFamily.DEBIAN, "12"), "6.1.0-18-amd64", List.of(), null));
        assertThat(status.state()).isEqualTo(CapabilityStatus.State.UNAVAILABLE);
        assertThat(status.unmet()).singleElement().asString().contains("agent 0.1.0 is older than the minimum 0.2.0");
    }

    @Test
    void fargateRunsThreatsInBetaAndNothingElse() {
        var statuses = evaluate(facts(DeploymentType.FARGATE, null, "5.10.0", List.of(), null));
        assertThat(statuses.get(Capability.THREATS).state()).isEqualTo(CapabilityStatus.State.ENABLED);
        assertThat(statuses.get(Capability.THREATS).notes()).contains("beta on AWS Fargate ECS/EKS");
        assertThat(statuses.get(Capability.THREATS).notes())
                .anySatisfy(note -> assertThat(note).contains("vigil-trace", "--sensor trace"));
        assertThat(statuses.get(Capability.VULNERABILITIES).state()).isEqualTo(CapabilityStatus.State.NOT_APPLICABLE);
        assertThat(statuses.get(Capability.MISCONFIGURATIONS).state()).isEqualTo(CapabilityStatus.State.NOT_APPLICABLE);
        assertThat(CapabilityCheck.describe(statuses.get(Capability.VULNERABILITIES)))
                .isEqualTo("not applicable (offered on Kubernetes, Linux, Amazon ECS/EKS)");
    }

    @Test
    void windowsThreatsAreHonestlyUnavailable() {
        CapabilityStatus windows =
                check.evaluate(Capability.THREATS, facts(DeploymentType.WINDOWS, null, "10.0.20348", List.of(), null));
        assertThat(windows.state()).isEqualTo(CapabilityStatus.State.UNAVAILABLE);
        assertThat(windows.unmet()).singleElement().asString().contains("Windows sensor is not built yet");
    }

    @Test
    void dottedVersionsCompareNumerically() {
        assertThat(DottedVersion.atLeast("4.15.0", "4.15.0")).isTrue();
        assertThat(DottedVersion.atLeast("4.9.337", "4.15.0")).isFalse();
        assertThat(DottedVersion.atLeast("6.18.44-fc-v657", "4.15.0")).isTrue();
        assertThat(DottedVersion.atLeast("v1.10.0", "1.5.6")).isTrue();
        assertThat(DottedVersion.atLeast("garbage", "1.0")).isFalse();
        assertThat(DottedVersion.compare("1.5.6", "1.5.6.0")).isZero();
    }
}
