package vigil.model.ocsf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.model.CvssScore;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.model.finding.Category;
import vigil.model.finding.Evidence;
import vigil.model.finding.Finding;
import vigil.model.finding.FindingStatus;
import vigil.model.finding.Fingerprint;
import vigil.model.finding.Resource;
import vigil.model.finding.RuleRef;

class OcsfMapperTest {
    private static final Instant FIRST = Instant.parse("2026-11-01T10:15:30Z");
    private static final Instant LAST = Instant.parse("2026-11-28T08:00:00Z");

    private static Finding vulnerabilityFinding(FindingStatus status) {
        Resource host = new Resource(
                "host", "host-1234", "web-01", null, "web-01", null, Map.of("env", "prod", "team", "payments"));
        Evidence evidence = new Evidence.VulnerablePackage(
                "openssl",
                "3.0.11-1~deb12u1",
                "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12",
                "3.0.11-1~deb12u2",
                FixState.FIXED,
                List.of("DSA-5532-1"),
                List.of(new CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "nvd")),
                "debian",
                "osv:Debian:12",
                "DSA-5532-1");
        return new Finding(
                Fingerprint.of(Category.VULNERABILITY, "CVE-2023-5363", "host-1234", "openssl:amd64"),
                Category.VULNERABILITY,
                new RuleRef(
                        "CVE-2023-5363",
                        "openssl: incorrect cipher key and IV length processing",
                        Severity.HIGH,
                        List.of()),
                host,
                status,
                FIRST,
                LAST,
                evidence,
                "Upgrade openssl to 3.0.11-1~deb12u2 or later.");
    }

    private static Finding misconfiguration() {
        Resource bucket =
                new Resource("aws_s3_bucket", "arn:aws:s3:::logs", "logs", "123456789012", null, null, Map.of());
        return new Finding(
                Fingerprint.of(Category.MISCONFIGURATION, "aws-s3-public-read", "arn:aws:s3:::logs", ""),
                Category.MISCONFIGURATION,
                new RuleRef(
                        "aws-s3-public-read",
                        "S3 bucket allows public read",
                        Severity.CRITICAL,
                        List.of("cis-aws-1.5:2.1.5")),
                bucket,
                new FindingStatus.Muted("accepted risk: public website", Instant.parse("2027-01-01T00:00:00Z")),
                FIRST,
                LAST,
                new Evidence.Attributes(Map.of("acl", "public-read")),
                null);
    }

    @Test
    void vulnerabilityFindingMapsToOcsfVulnerabilityFinding() {
        Map<String, Object> event = OcsfMapper.toOcsf(vulnerabilityFinding(new FindingStatus.Open()));

        assertThat(event)
                .containsEntry("class_uid", 2002)
                .containsEntry("category_uid", 2)
                .containsEntry("activity_id", 1)
                .containsEntry("type_uid", 200201L)
                .containsEntry("severity_id", 4)
                .containsEntry("status_id", 1)
                .containsEntry("time", LAST.toEpochMilli());
        @SuppressWarnings("unchecked")
        Map<String, Object> vulnerability = (Map<String, Object>) ((List<?>) event.get("vulnerabilities")).getFirst();
        assertThat(vulnerability).containsEntry("fix_available", true);
        assertThat(vulnerability.get("cve").toString()).contains("CVE-2023-5363", "9.8");
        assertThat(vulnerability.get("affected_packages").toString()).contains("fixed_in_version=3.0.11-1~deb12u2");
    }

    @Test
    void mutedMisconfigurationMapsToSuppressedComplianceFinding() {
        Map<String, Object> event = OcsfMapper.toOcsf(misconfiguration());

        assertThat(event)
                .containsEntry("class_uid", 2003)
                .containsEntry("severity_id", 5)
                .containsEntry("status_id", 3)
                .containsEntry("status_detail", "accepted risk: public website");
        assertThat(event.get("compliance").toString()).contains("cis-aws-1.5:2.1.5");
    }

    @Test
    void resolvedFindingIsAClosingActivity() {
        Map<String, Object> event = OcsfMapper.toOcsf(
                vulnerabilityFinding(new FindingStatus.Resolved(Instant.parse("2026-11-28T09:00:00Z"))));

        assertThat(event)
                .containsEntry("activity_id", 3)
                .containsEntry("type_uid", 200203L)
                .containsEntry("status_id", 4);
    }

    @Test
    void mappingIsLossless() {
        List<Finding> findings = List.of(
                vulnerabilityFinding(new FindingStatus.Open()),
                vulnerabilityFinding(new FindingStatus.Resolved(LAST)),
                vulnerabilityFinding(new FindingStatus.Muted("false positive", null)),
                misconfiguration());
        for (Finding finding : findings) {
            assertThat(OcsfMapper.fromOcsf(OcsfMapper.toOcsf(finding))).isEqualTo(finding);
        }
    }

    @Test
    void everySeverityHasAnOcsfId() {
        assertThat(Severity.values()).extracting(OcsfMapper::severityId).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void readingAnEventWithoutItsFindingInfoNamesTheField() {
        Map<String, Object> event = new java.util.HashMap<>(OcsfMapper.toOcsf(misconfiguration()));
        event.remove("finding_info");

        assertThatThrownBy(() -> OcsfMapper.fromOcsf(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finding_info");
    }

    /** A signal is a Detection Finding with its tactic and technique, count, lineage and container runtime (ADR 0046). */
    @Test
    void aThreatSignalIsADetectionFindingWithItsAttackAndLineage() {
        Evidence.ThreatSignal signal = new Evidence.ThreatSignal(
                "shadow_file_read",
                "open",
                Instant.parse("2026-12-07T12:00:01.123456789Z"),
                new Evidence.ThreatSignal.Process(
                        4242, "cat", "/usr/bin/cat", "cat /etc/shadow", "root", "bash", 4200L, 0L, 0L, "root"),
                new Evidence.ThreatSignal.FileAccess("/etc/shadow", "open_read"),
                null,
                new Evidence.ThreatSignal.Workload("web-01", "3f9a", "nginx:1.27", "docker"),
                Map.of("open.file.path", "/etc/shadow"),
                List.of(
                        new Evidence.ThreatSignal.Process(4200, "bash", "/usr/bin/bash", "bash", null, null),
                        new Evidence.ThreatSignal.Process(1, "systemd", "/usr/lib/systemd/systemd", "", null, null)),
                3,
                Instant.parse("2026-12-07T12:00:04.000000001Z"),
                List.of(new Evidence.ThreatSignal.Action("kill", "done", "SIGKILL sent to 4242")),
                "5f0b3c1e-2a8c-4a8e-9d0e-3b1f0c6d7a21",
                "TA0006",
                "T1003.008");
        Finding finding = new Finding(
                Fingerprint.of(Category.THREAT, "signal", "", "5f0b3c1e"),
                Category.THREAT,
                new RuleRef("shadow_file_read", "A process read /etc/shadow", Severity.HIGH, List.of()),
                new Resource("host", "host:agent-1", "web-01", null, "web-01", null, Map.of()),
                new FindingStatus.Open(),
                FIRST,
                LAST,
                signal,
                null);
        Map<String, Object> event = OcsfMapper.toOcsf(finding);
        assertThat(event).containsEntry("class_uid", 2004).containsEntry("count", 3L);
        assertThat(event.get("type_uid")).isEqualTo(200401L);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) event.get("finding_info");
        assertThat(info.get("attacks"))
                .isEqualTo(List.of(Map.of("tactic", Map.of("uid", "TA0006"), "technique", Map.of("uid", "T1003.008"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> evidence = (Map<String, Object>) ((List<Object>) event.get("evidences")).getFirst();
        @SuppressWarnings("unchecked")
        Map<String, Object> process = (Map<String, Object>) evidence.get("process");
        assertThat(process.get("lineage")).isEqualTo(List.of("/usr/bin/bash", "/usr/lib/systemd/systemd"));
        assertThat(process.get("parent_process")).isEqualTo(Map.of("name", "bash", "pid", 4200L));
        assertThat(evidence.get("container"))
                .isEqualTo(Map.of("uid", "3f9a", "image", Map.of("name", "nginx:1.27"), "runtime", "docker"));
        assertThat(OcsfMapper.fromOcsf(event)).isEqualTo(finding);
    }
}
