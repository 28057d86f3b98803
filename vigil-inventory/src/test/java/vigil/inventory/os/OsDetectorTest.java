package vigil.inventory.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import vigil.inventory.Fixtures;
import vigil.inventory.OsDetection;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;

/** Every release-file root of fixtures/vulns/os-release/expected-os.json (trivy, syft, claircore). */
class OsDetectorTest {
    /** Upstream family names mapped to Vigil's; families Vigil does not scan map to null. */
    private static final Map<String, OsFamily> FAMILIES = Map.ofEntries(
            Map.entry("alpine", OsFamily.ALPINE),
            Map.entry("redhat", OsFamily.RHEL),
            Map.entry("rhel", OsFamily.RHEL),
            Map.entry("centos", OsFamily.CENTOS),
            Map.entry("rocky", OsFamily.ROCKY),
            Map.entry("alma", OsFamily.ALMALINUX),
            Map.entry("almalinux", OsFamily.ALMALINUX),
            Map.entry("oracle", OsFamily.ORACLE),
            Map.entry("ol", OsFamily.ORACLE),
            Map.entry("opensuse-leap", OsFamily.OPENSUSE_LEAP),
            Map.entry("opensuse-tumbleweed", OsFamily.OPENSUSE_TUMBLEWEED),
            Map.entry("sles", OsFamily.SLES),
            Map.entry("photon", OsFamily.PHOTON),
            Map.entry("azurelinux", OsFamily.MARINER),
            Map.entry("cbl-mariner", OsFamily.MARINER),
            Map.entry("mariner", OsFamily.MARINER),
            Map.entry("fedora", OsFamily.FEDORA),
            Map.entry("debian", OsFamily.DEBIAN),
            Map.entry("ubuntu", OsFamily.UBUNTU),
            Map.entry("amzn", OsFamily.AMAZON),
            Map.entry("wolfi", OsFamily.WOLFI));

    @Test
    void trivyRoots() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode entry : Fixtures.json("vulns/os-release/expected-os.json").path("trivy")) {
            if (entry.path("root").isNull()
                    || entry.path("expect").path("extended").asBoolean(false)) {
                continue; // bare files for upstream error paths, and Ubuntu ESM status (not an OS identity)
            }
            String where = entry.path("root").asString();
            OsDetection detection = OsDetector.detect(Fixtures.root(Fixtures.path("vulns/os-release/" + where)));
            checked++;
            JsonNode expect = entry.path("expect");
            OsFamily family =
                    expect.isNull() ? null : FAMILIES.get(expect.path("family").asString());
            if (family == null) {
                if (detection.support().scannable()) {
                    failures.add(where + ": expected not scannable, got " + detection);
                }
                continue;
            }
            OperatingSystem os = detection.os();
            if (os == null
                    || os.family() != family
                    || !os.version().equals(expect.path("name").asString())) {
                failures.add(where + ": expected " + family + " "
                        + expect.path("name").asString() + ", got " + os);
            }
        }
        assertThat(checked).isGreaterThan(35);
        assertThat(failures).as("of " + checked + " trivy roots").isEmpty();
    }

    @Test
    void syftRoots() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode entry : Fixtures.json("vulns/os-release/expected-os.json").path("syft")) {
            if (!entry.has("root") || entry.path("root").isNull()) {
                continue;
            }
            String where = entry.path("root").asString();
            OsDetection detection = OsDetector.detect(Fixtures.root(Fixtures.path("vulns/os-release/" + where)));
            checked++;
            JsonNode expect = entry.path("expect");
            OsFamily family =
                    expect.isNull() ? null : FAMILIES.get(expect.path("id").asString());
            if (family == null) {
                if (detection.support().scannable()) {
                    failures.add(where + ": expected not scannable, got " + detection);
                }
                continue;
            }
            OperatingSystem os = detection.os();
            String version = expect.path("versionID").asString();
            if (os == null
                    || os.family() != family
                    || (!version.isEmpty() && !os.version().startsWith(version))) {
                failures.add(where + ": expected " + family + " " + version + ", got " + os);
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(failures).as("of " + checked + " syft roots").isEmpty();
    }

    @Test
    void claircoreRoots() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode entry : Fixtures.json("vulns/os-release/expected-os.json").path("claircore")) {
            if (!entry.has("root")
                    || entry.path("root").isNull()
                    || !entry.path("expect").isArray()) {
                continue;
            }
            JsonNode expect = entry.path("expect").get(0);
            if (expect == null) {
                continue;
            }
            String where = entry.path("root").asString();
            OsDetection detection = OsDetector.detect(Fixtures.root(Fixtures.path("vulns/os-release/" + where)));
            checked++;
            OsFamily family = FAMILIES.get(expect.path("did").asString());
            OperatingSystem os = detection.os();
            String version =
                    expect.path("version_id").asString(expect.path("version").asString());
            if (family != null
                    && (os == null || os.family() != family || !os.version().startsWith(version))) {
                failures.add(where + ": expected " + family + " " + version + ", got " + os);
            }
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(failures).as("of " + checked + " claircore roots").isEmpty();
    }

    @Test
    void seedTableIsApplied(@TempDir Path temp) throws Exception {
        assertThat(judge(temp, "alpine", "3.19.1", "Alpine Linux v3.19").level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "alpine", "3.20.0", "Alpine Linux v3.20").level())
                .isEqualTo(OsSupport.Level.NEWER_RELEASE);
        assertThat(judge(temp, "alpine", "3.21.0_alpha20240807", "Alpine Linux edge")
                        .reason())
                .contains("edge");
        assertThat(judge(temp, "alpine", "2.1", "Alpine Linux v2.1").level()).isEqualTo(OsSupport.Level.UNSUPPORTED);
        assertThat(judge(temp, "debian", "12", "Debian GNU/Linux 12 (bookworm)").level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "debian", "6", "Debian GNU/Linux 6").level()).isEqualTo(OsSupport.Level.UNSUPPORTED);
        assertThat(judge(temp, "debian", "13", "Debian GNU/Linux 13").level()).isEqualTo(OsSupport.Level.NEWER_RELEASE);
        assertThat(judge(temp, "amzn", "2018.03", "Amazon Linux AMI 2018.03").level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "amzn", "2023", "Amazon Linux 2023").level()).isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "ol", "5.11", "Oracle Linux Server 5.11").level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "rhel", "9.4", "Red Hat Enterprise Linux 9.4").level())
                .isEqualTo(OsSupport.Level.NEWER_RELEASE);
        assertThat(judge(temp, "azurelinux", "3.0", "Microsoft Azure Linux 3.0").level())
                .isEqualTo(OsSupport.Level.NEWER_RELEASE);
        assertThat(judge(temp, "opensuse-leap", "42.3", "openSUSE Leap 42.3").level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "sles", "11.4", "SUSE Linux Enterprise Server 11 SP4")
                        .level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "photon", "4.0", "VMware Photon OS/Linux").level())
                .isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "ubuntu", "24.04", "Ubuntu 24.04 LTS").level()).isEqualTo(OsSupport.Level.SUPPORTED);
        assertThat(judge(temp, "fedora", "40", "Fedora Linux 40").level()).isEqualTo(OsSupport.Level.UNSUPPORTED);
    }

    @Test
    void debianSidIsUnsupportedNotZeroVulnerabilities(@TempDir Path temp) throws Exception {
        Files.createDirectories(temp.resolve("etc"));
        Files.writeString(temp.resolve("etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nID=debian\n");
        Files.writeString(temp.resolve("etc/debian_version"), "trixie/sid\n");
        OsDetection detection = OsDetector.detect(Fixtures.root(temp));
        assertThat(detection.support().level()).isEqualTo(OsSupport.Level.UNSUPPORTED);
        assertThat(detection.support().reason()).contains("sid");
    }

    @Test
    void amazonLinux2023FromUsrLibSystemReleaseAlone(@TempDir Path temp) throws Exception {
        // issue 10: AL2022/2023 images may carry only /usr/lib/system-release (/etc/system-release links to it)
        Files.createDirectories(temp.resolve("usr/lib"));
        Files.writeString(temp.resolve("usr/lib/system-release"), "Amazon Linux release 2023 (Amazon Linux)\n");
        OperatingSystem os = OsDetector.detect(Fixtures.root(temp)).os();
        assertThat(os).isNotNull();
        assertThat(os.family()).isEqualTo(OsFamily.AMAZON);
        assertThat(os.version()).isEqualTo("2023");
        assertThat(OsDetector.interestingPaths()).contains("/usr/lib/system-release");
    }

    @Test
    void nothingRecognisableIsUnknownWithAReason(@TempDir Path temp) throws Exception {
        OsDetection detection = OsDetector.detect(Fixtures.root(temp));
        assertThat(detection.os()).isNull();
        assertThat(detection.support().level()).isEqualTo(OsSupport.Level.UNKNOWN);
        assertThat(detection.support().reason()).contains("no OS release file");
    }

    private static OsSupport judge(Path temp, String id, String version, String pretty) throws Exception {
        Path root = Files.createTempDirectory(temp, id);
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(
                root.resolve("etc/os-release"),
                "ID=" + id + "\nVERSION_ID=\"" + version + "\"\nPRETTY_NAME=\"" + pretty + "\"\n");
        return OsDetector.detect(Fixtures.root(root)).support();
    }
}
