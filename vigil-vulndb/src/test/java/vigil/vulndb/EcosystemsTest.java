package vigil.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;

class EcosystemsTest {
    @Test
    void feedEcosystemsNormalize() {
        assertThat(Ecosystems.normalize("Debian:12")).contains("Debian:12");
        assertThat(Ecosystems.normalize("Debian:7")).contains("Debian:7");
        assertThat(Ecosystems.normalize("Ubuntu:22.04:LTS")).contains("Ubuntu:22.04");
        assertThat(Ecosystems.normalize("Ubuntu:24.10")).contains("Ubuntu:24.10");
        assertThat(Ecosystems.normalize("Ubuntu:Pro:14.04:LTS")).contains("Ubuntu Pro:14.04");
        assertThat(Ecosystems.normalize("Ubuntu:ubuntu_pro:22.04::main")).contains("Ubuntu Pro:22.04");
        assertThat(Ecosystems.normalize("Alpine:v3.19")).contains("Alpine:v3.19");
        assertThat(Ecosystems.normalize("Rocky Linux:8")).contains("Rocky Linux:8");
        assertThat(Ecosystems.normalize("AlmaLinux:9")).contains("AlmaLinux:9");
        assertThat(Ecosystems.normalize("Red Hat:enterprise_linux:8::appstream"))
                .contains("Red Hat:8");
        assertThat(Ecosystems.normalize("Red Hat:rhel_e4s:9.2::appstream")).isEmpty();
        assertThat(Ecosystems.normalize("Red Hat:rhel_aus:8.6::appstream")).isEmpty();
        assertThat(Ecosystems.normalize("SUSE Linux Enterprise Server:sles:15:sp4::module-containers"))
                .contains("SUSE:15.4");
        assertThat(Ecosystems.normalize("SUSE:Linux Enterprise Server 15 SP5")).contains("SUSE:15.5");
        assertThat(Ecosystems.normalize("SUSE:Linux Enterprise Server 12")).contains("SUSE:12");
        assertThat(Ecosystems.normalize("openSUSE:Leap 15.5")).contains("openSUSE Leap:15.5");
        assertThat(Ecosystems.normalize("Oracle Linux:ol8_baseos_latest::ol8_baseos_latest"))
                .contains("Oracle Linux:8");
        assertThat(Ecosystems.normalize("Amazon Linux:amazon_linux_2023::al2023_appstream"))
                .contains("Amazon Linux:2023");
        assertThat(Ecosystems.normalize("Photon OS:4.0")).contains("Photon OS:4.0");
        assertThat(Ecosystems.normalize("Mariner:2.0")).contains("Mariner:2.0");
        assertThat(Ecosystems.normalize("Azure Linux:3.0")).contains("Azure Linux:3.0");
        assertThat(Ecosystems.normalize("Wolfi")).contains("Wolfi");
        assertThat(Ecosystems.normalize("PyPI")).isEqualTo(Optional.empty());
    }

    @Test
    void operatingSystemsMapToTheirKeys() {
        assertThat(Ecosystems.forOs(os(OsFamily.DEBIAN, "12.5"))).containsExactly("Debian:12");
        assertThat(Ecosystems.forOs(os(OsFamily.UBUNTU, "22.04"))).containsExactly("Ubuntu:22.04");
        assertThat(Ecosystems.forOs(os(OsFamily.ALPINE, "3.19.1"))).containsExactly("Alpine:v3.19");
        assertThat(Ecosystems.forOs(os(OsFamily.CENTOS, "7.9.2009"))).containsExactly("Red Hat:7");
        assertThat(Ecosystems.forOs(os(OsFamily.RHEL, "8.10"))).containsExactly("Red Hat:8");
        assertThat(Ecosystems.forOs(os(OsFamily.ORACLE, "8.3"))).containsExactly("Oracle Linux:8");
        assertThat(Ecosystems.forOs(os(OsFamily.AMAZON, "2"))).containsExactly("Amazon Linux:2");
        assertThat(Ecosystems.forOs(os(OsFamily.AMAZON, "2018.03"))).containsExactly("Amazon Linux:1");
        assertThat(Ecosystems.forOs(os(OsFamily.AMAZON, "2023"))).containsExactly("Amazon Linux:2023");
        assertThat(Ecosystems.forOs(os(OsFamily.MARINER, "2.0"))).containsExactly("Mariner:2.0");
        assertThat(Ecosystems.forOs(os(OsFamily.MARINER, "3.0"))).containsExactly("Azure Linux:3.0");
        assertThat(Ecosystems.forOs(os(OsFamily.PHOTON, "4.0"))).containsExactly("Photon OS:4.0");
        assertThat(Ecosystems.forOs(os(OsFamily.SLES, "15.5"))).containsExactly("SUSE:15.5");
        assertThat(Ecosystems.forOs(os(OsFamily.SLES, "12"))).containsExactly("SUSE:12");
        assertThat(Ecosystems.forOs(os(OsFamily.OPENSUSE_LEAP, "15.5"))).containsExactly("openSUSE Leap:15.5");
        assertThat(Ecosystems.forOs(os(OsFamily.WOLFI, "20230201"))).containsExactly("Wolfi");
    }

    private static OperatingSystem os(OsFamily family, String version) {
        return new OperatingSystem(family, version, family.displayName() + " " + version);
    }
}
