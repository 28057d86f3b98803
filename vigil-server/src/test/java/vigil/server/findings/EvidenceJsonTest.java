package vigil.server.findings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.model.CvssScore;
import vigil.model.FixState;
import vigil.model.finding.Evidence;

/** The evidence JSON written as text says what a Jackson tree of the same fields says, to the character. */
class EvidenceJsonTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void writtenEvidenceEqualsTheTreeOfItsFields() {
        List<Evidence> evidence = List.of(
                new Evidence.VulnerablePackage(
                        "openssl",
                        "3.0.11-1~deb12u1",
                        "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64",
                        "3.0.11-1~deb12u2",
                        FixState.FIXED,
                        List.of("CVE-2023-5363", "DSA-5532-1"),
                        List.of(
                                new CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "nvd"),
                                new CvssScore("2.0", "AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0, "debian")),
                        "debian",
                        "osv",
                        "DSA-5532-1"),
                new Evidence.VulnerablePackage(
                        "glibc \"quoted\" \\ \u00e9\u65e5",
                        "2.36-9",
                        "pkg:deb/debian/libc6@2.36-9",
                        null,
                        FixState.NOT_FIXED,
                        List.of(),
                        List.of(),
                        "none",
                        "oval",
                        "oval:1"),
                new Evidence.Attributes(Map.of("b", "2", "a", "1", "path", "/etc/\"x\"\n")),
                new Evidence.Attributes(Map.of()));
        for (Evidence item : evidence) {
            String written = FindingWriter.evidenceJson(item);
            assertThat(JSON.readTree(written)).as(written).isEqualTo(tree(item));
            if (item instanceof Evidence.VulnerablePackage) {
                assertThat(written).isEqualTo(tree(item).toString());
            }
        }
        // attributes in key order, whatever order the map iterates in
        assertThat(FindingWriter.evidenceJson(new Evidence.Attributes(Map.of("b", "2", "a", "1"))))
                .isEqualTo("{\"type\":\"attributes\",\"values\":{\"a\":\"1\",\"b\":\"2\"}}");
    }

    @Test
    void exportReadsStoredEvidenceThroughTheCodecAndIncompleteRowsAsBefore() {
        Evidence posture = new Evidence.PostureResult(
                "AVD-AWS-0086",
                List.of("cis-aws-1.5:2.1.5"),
                Map.of("block_public_acls", "false"),
                "true",
                "false",
                "Set block_public_acls = true");
        assertThat(FindingExport.evidence(FindingWriter.evidenceJson(posture))).isEqualTo(posture);
        // rows stored incomplete (by hand, or by an upgrade test's fixture) still read, with empty fields
        Evidence partial = FindingExport.evidence("{\"type\":\"vulnerable_package\",\"package\":\"libweb\"}");
        assertThat(partial)
                .isEqualTo(new Evidence.VulnerablePackage(
                        "libweb", "", "", null, FixState.UNKNOWN, List.of(), List.of(), "", "", ""));
    }

    /** The fields as a tree: the way the evidence was written before. */
    private static ObjectNode tree(Evidence evidence) {
        ObjectNode node = JSON.createObjectNode();
        switch (evidence) {
            case Evidence.VulnerablePackage p -> {
                node.put("type", "vulnerable_package");
                node.put("package", p.packageName());
                node.put("installedVersion", p.installedVersion());
                node.put("purl", p.purl());
                node.put("fixedVersion", p.fixedVersion());
                node.put("fixState", p.fixState().name());
                ArrayNode aliases = node.putArray("aliases");
                p.aliases().forEach(aliases::add);
                ArrayNode cvss = node.putArray("cvss");
                for (CvssScore score : p.cvss()) {
                    cvss.addObject()
                            .put("version", score.version())
                            .put("vector", score.vector())
                            .put("score", score.baseScore())
                            .put("source", score.source());
                }
                node.put("severitySource", p.severitySource());
                node.put("advisorySource", p.advisorySource());
                node.put("advisoryId", p.advisoryId());
            }
            case Evidence.Attributes a -> {
                node.put("type", "attributes");
                ObjectNode values = node.putObject("values");
                a.values().forEach(values::put);
            }
            default -> throw new IllegalArgumentException("only the shapes stored before the codec: " + evidence);
        }
        return node;
    }
}
