package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.model.DatabaseInfo;
import vigil.model.FixState;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.PackageVulnerability;
import vigil.model.ScanResult;
import vigil.model.Severity;
import vigil.model.Target;
import vigil.model.Vulnerability;

class ScanPolicyTest {
    private static final InstalledPackage OPENSSL = new InstalledPackage(
            PackageType.DEB,
            "openssl",
            null,
            "3.0.11",
            "1~deb12u1",
            "amd64",
            null,
            null,
            List.of(),
            List.of(),
            "pkg:deb/debian/openssl");

    private static PackageVulnerability vulnerability(String id, Severity severity, FixState state) {
        return new PackageVulnerability(
                OPENSSL,
                new Vulnerability(id, List.of(), null, severity, "debian", List.of(), List.of(), null, null),
                state,
                state == FixState.FIXED ? "3.0.11-1~deb12u2" : null,
                "osv:Debian:12",
                id);
    }

    private static ScanResult result(OsSupport support, PackageVulnerability... matches) {
        Inventory inventory = new Inventory(
                new Target(Target.Kind.HOST, "/", null),
                new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12 (bookworm)"),
                support,
                List.of(OPENSSL),
                List.of(),
                Instant.EPOCH);
        return new ScanResult(inventory, List.of(matches), new DatabaseInfo("db", null, 0));
    }

    @Test
    void filtersBySeverityAndFixState() {
        ScanPolicy policy = new ScanPolicy(Set.of(Severity.HIGH, Severity.CRITICAL), true, null);
        List<PackageVulnerability> kept = policy.filter(List.of(
                vulnerability("CVE-1", Severity.HIGH, FixState.FIXED),
                vulnerability("CVE-2", Severity.HIGH, FixState.NOT_FIXED),
                vulnerability("CVE-3", Severity.LOW, FixState.FIXED),
                vulnerability("CVE-4", Severity.CRITICAL, FixState.FIXED)));

        assertThat(kept).extracting(match -> match.vulnerability().id()).containsExactly("CVE-1", "CVE-4");
    }

    @Test
    void failOnGatesOnTheLeastSeverity() {
        ScanPolicy policy = new ScanPolicy(Set.of(), false, Severity.HIGH);
        OsSupport supported = OsSupport.supported("Debian 12");

        assertThat(policy.exitCode(result(supported, vulnerability("CVE-1", Severity.MEDIUM, FixState.FIXED))))
                .isEqualTo(ExitCodes.OK);
        assertThat(policy.exitCode(result(supported, vulnerability("CVE-1", Severity.CRITICAL, FixState.FIXED))))
                .isEqualTo(ExitCodes.FINDINGS);
        assertThat(new ScanPolicy(Set.of(), false, null)
                        .exitCode(result(supported, vulnerability("CVE-1", Severity.CRITICAL, FixState.FIXED))))
                .isEqualTo(ExitCodes.OK);
    }

    @Test
    void anUnscannableOsNeverPassesAGate() {
        ScanPolicy policy = new ScanPolicy(Set.of(), false, Severity.LOW);
        OsSupport sid = new OsSupport(OsSupport.Level.UNSUPPORTED, "Debian unstable (sid) is not supported");

        assertThat(policy.exitCode(result(sid))).isEqualTo(ExitCodes.NOT_SCANNABLE);
    }

    @Test
    void severityListsParseAnyCaseAndNameBadWords() {
        assertThat(SeverityConverter.parseList("critical, High"))
                .containsExactlyInAnyOrder(Severity.CRITICAL, Severity.HIGH);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SeverityConverter.parseList("HIGH,severe"))
                .hasMessageContaining("'severe' is not a severity");
    }
}
