package vigil.features.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.inventory.os.SupportTable;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;

/** The matrix is the seed's tables as data: every cell of the seed is read here and compared. */
class FeatureMatrixSeedTest {
    private static final Path SEED = Path.of(System.getProperty("vigil.shared"), "seed", "csm-prerequisites.md");
    private final FeatureMatrix matrix = FeatureMatrix.defaults();

    /** The rows of the markdown table whose header row starts with {@code firstHeader}. */
    private static List<List<String>> table(String firstHeader) throws Exception {
        List<String> lines = Files.readAllLines(SEED);
        List<List<String>> rows = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            if (line.startsWith("|") && cells(line).getFirst().equals(firstHeader)) {
                inside = true;
                continue;
            }
            if (inside) {
                if (!line.startsWith("|")) {
                    break;
                }
                if (!line.matches("^\\|[-| ]+\\|$")) {
                    rows.add(cells(line));
                }
            }
        }
        assertThat(rows).as("rows of the seed table '%s'", firstHeader).isNotEmpty();
        return rows;
    }

    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        String[] parts = line.split("\\|", -1);
        for (int i = 1; i < parts.length - 1; i++) {
            cells.add(parts[i].strip());
        }
        return cells;
    }

    @Test
    void everyDeploymentRowMatchesTheSeed() throws Exception {
        List<List<String>> rows = table("Deployment type");
        assertThat(rows).hasSize(DeploymentType.values().length);
        Capability[] columns = {
            Capability.MISCONFIGURATIONS,
            Capability.THREATS,
            Capability.VULNERABILITIES,
            Capability.IDENTITY_RISKS,
            Capability.AGENTLESS_SCANNING
        };
        for (List<String> row : rows) {
            DeploymentType type = java.util.Arrays.stream(DeploymentType.values())
                    .filter(t -> t.displayName().equals(row.getFirst()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no deployment type named " + row.getFirst()));
            FeatureMatrix.Deployment deployment = matrix.deployment(type);
            assertThat(deployment.agentRequired())
                    .as("agent required on %s", type)
                    .isEqualTo(!row.get(1).isEmpty());
            for (int i = 0; i < columns.length; i++) {
                String cell = row.get(i + 2);
                Availability expected = cell.isEmpty()
                        ? Availability.UNAVAILABLE
                        : cell.equals("beta") ? Availability.BETA : Availability.GA;
                assertThat(deployment.availability(columns[i]))
                        .as("%s on %s (seed cell '%s')", columns[i], type, cell)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void threatsDistributionsMatchTheSeed() throws Exception {
        Map<String, String> seed = new LinkedHashMap<>();
        for (List<String> row : table("Linux Distributions")) {
            seed.put(row.get(0), row.get(1));
        }
        assertThat(seed)
                .containsEntry("Ubuntu LTS", "18.04, 20.04, 22.04")
                .containsEntry("Debian", "10 or later")
                .containsEntry("Amazon Linux 2", "Kernels 4.15, 5.4, 5.10, and 2023")
                .containsEntry("SUSE Linux Enterprise Server", "12 and 15")
                .containsEntry("Red Hat Enterprise Linux", "7, 8, and 9")
                .containsEntry("Oracle Linux", "7, 8, and 9")
                .containsEntry("CentOS", "7")
                .hasSize(7);
        Map<String, FeatureMatrix.ThreatsDistribution> rows = new LinkedHashMap<>();
        matrix.threats().distributions().forEach(row -> rows.put(row.name(), row));
        assertThat(rows.get("Ubuntu LTS").versions()).containsExactly("18.04", "20.04", "22.04");
        assertThat(rows.get("Debian").minimumVersion()).isEqualTo("10");
        assertThat(rows.get("Amazon Linux 2").kernels()).containsExactly("4.15", "5.4", "5.10");
        assertThat(rows.get("Amazon Linux 2023").versions()).containsExactly("2023");
        assertThat(rows.get("SUSE Linux Enterprise Server").versions()).containsExactly("12", "15");
        assertThat(rows.get("Red Hat Enterprise Linux").versions()).containsExactly("7", "8", "9");
        assertThat(rows.get("Oracle Linux").versions()).containsExactly("7", "8", "9");
        assertThat(rows.get("CentOS").versions()).containsExactly("7");
        String text = Files.readString(SEED);
        assertThat(text).contains("Custom kernel builds are not supported").contains("4.15.0+");
        assertThat(matrix.threats().customKernelsSupported()).isFalse();
        assertThat(matrix.threats().minimumKernel()).isEqualTo("4.15.0");
    }

    @Test
    void vulnerabilityComponentsMatchTheSeed() throws Exception {
        Map<String, String> seed = new LinkedHashMap<>();
        for (List<String> row : table("Component")) {
            seed.put(row.get(0).replaceAll("\\[([^]]+)]\\[\\d+]", "$1"), row.get(1));
        }
        assertThat(seed.get("Helm Chart"))
                .startsWith("v" + matrix.vulnerabilities().helmChartMinimum() + " ");
        assertThat(seed.get("Helm Chart")).contains("(Kubernetes only)");
        assertThat(matrix.vulnerabilities().helmChartDeployments()).containsExactly(DeploymentType.KUBERNETES);
        assertThat(seed.get("containerd"))
                .startsWith("v" + matrix.vulnerabilities().containerdMinimum() + " ");
        assertThat(seed.get("containerd")).contains("(Kubernetes and hosts only)");
        assertThat(matrix.vulnerabilities().containerdDeployments())
                .containsExactlyInAnyOrder(DeploymentType.KUBERNETES, DeploymentType.LINUX);
        assertThat(Files.readString(SEED)).contains("not** available for CRI-O runtime and podman runtime");
        assertThat(matrix.vulnerabilities().unsupportedRuntimes()).containsExactly("cri-o", "podman");
        assertThat(Files.readString(SEED)).contains("`7.46` or higher");
    }

    /** Every release the seed's OS table lists is judged supported by the table the scanner uses. */
    @Test
    void everyListedOsReleaseIsSupportedForVulnerabilityScanning() throws Exception {
        Map<String, OsFamily> families = Map.ofEntries(
                Map.entry("Alpine Linux", OsFamily.ALPINE),
                Map.entry("Red Hat Enterprise Linux", OsFamily.RHEL),
                Map.entry("CentOS", OsFamily.CENTOS),
                Map.entry("AlmaLinux", OsFamily.ALMALINUX),
                Map.entry("Rocky Linux", OsFamily.ROCKY),
                Map.entry("Oracle Linux", OsFamily.ORACLE),
                Map.entry("CBL-Mariner", OsFamily.MARINER),
                Map.entry("Amazon Linux", OsFamily.AMAZON),
                Map.entry("openSUSE Leap", OsFamily.OPENSUSE_LEAP),
                Map.entry("SUSE Enterprise Linux", OsFamily.SLES),
                Map.entry("Photon OS", OsFamily.PHOTON),
                Map.entry("Debian GNU/Linux", OsFamily.DEBIAN));
        int checked = 0;
        for (List<String> row : table("OS")) {
            OsFamily family = families.get(row.get(0));
            if (family == null) {
                assertThat(row.get(0)).isIn("Wolfi Linux", "Chainguard", "Ubuntu");
                continue;
            }
            for (String release : releases(row.get(1))) {
                OsSupport support =
                        SupportTable.judge(new OperatingSystem(family, release, row.get(0) + " " + release));
                assertThat(support.level())
                        .as("%s %s (%s)", row.get(0), release, support.reason())
                        .isEqualTo(OsSupport.Level.SUPPORTED);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(40);
    }

    /** "2.2-2.7, 3.0-3.19 (edge is not supported)" → 2.2 … 2.7, 3.0 … 3.19. */
    private static List<String> releases(String cell) {
        List<String> releases = new ArrayList<>();
        for (String part : cell.replaceAll("\\(.*\\)", "").split(",")) {
            String p = part.strip();
            if (p.contains("-")) {
                String[] ends = p.split("-");
                String[] from = ends[0].split("\\.");
                String[] to = ends[1].split("\\.");
                for (int minor = Integer.parseInt(from[1]); minor <= Integer.parseInt(to[1]); minor++) {
                    releases.add(from[0] + "." + minor);
                }
            } else if (!p.isEmpty()) {
                releases.add(p);
            }
        }
        return releases;
    }
}
