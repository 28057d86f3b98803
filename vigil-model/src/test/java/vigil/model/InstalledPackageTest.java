package vigil.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InstalledPackageTest {
    private static InstalledPackage pkg(PackageType type, Integer epoch, String version, String release) {
        return new InstalledPackage(
                type, "p", epoch, version, release, null, null, null, List.of(), List.of(), "pkg:x");
    }

    @Test
    void evrRebuildsTheComparableVersion() {
        assertThat(pkg(PackageType.DEB, 1, "2.3", "4").evr()).isEqualTo("1:2.3-4");
        assertThat(pkg(PackageType.RPM, null, "2.3", "4.el8").evr()).isEqualTo("2.3-4.el8");
        assertThat(pkg(PackageType.RPM, 0, "2.3", "4.el8").evr()).isEqualTo("2.3-4.el8");
        assertThat(pkg(PackageType.APK, null, "1.2.3-r0", null).evr()).isEqualTo("1.2.3-r0");
    }

    @Test
    void sourceFallsBackToBinary() {
        InstalledPackage binary = pkg(PackageType.DEB, null, "1.0", "1");
        assertThat(binary.effectiveSourceName()).isEqualTo("p");
        assertThat(binary.effectiveSourceVersion()).isEqualTo("1.0-1");
    }

    @Test
    void severityParsesDistributionWords() {
        assertThat(Severity.parse("Important")).isEqualTo(Severity.HIGH);
        assertThat(Severity.parse("moderate")).isEqualTo(Severity.MEDIUM);
        assertThat(Severity.parse("unimportant")).isEqualTo(Severity.NEGLIGIBLE);
        assertThat(Severity.parse("whatever")).isEqualTo(Severity.UNKNOWN);
        assertThat(Severity.fromCvssScore(9.8)).isEqualTo(Severity.CRITICAL);
        assertThat(Severity.fromCvssScore(7.0)).isEqualTo(Severity.HIGH);
        assertThat(Severity.fromCvssScore(3.9)).isEqualTo(Severity.LOW);
    }
}
