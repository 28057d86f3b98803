package vigil.vulndb.osv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AdvisoryFormatException;
import vigil.vulndb.AffectedPackage;

class OsvParserTest {
    private static final Path OSV =
            Path.of(System.getProperty("vigil.fixtures", "fixtures"), "vulns", "advisories", "osv");

    private static List<Advisory> parse(Path file, List<String> warnings) throws Exception {
        List<Advisory> out = new ArrayList<>();
        try (InputStream input = Files.newInputStream(file)) {
            new OsvParser().parse(file.getFileName().toString(), input, out::add, warnings);
        }
        return out;
    }

    @Test
    void debianSecurityAdvisory() throws Exception {
        List<Advisory> advisories = parse(OSV.resolve("osv.dev/DSA-3029-1.json"), new ArrayList<>());
        assertThat(advisories).singleElement().satisfies(advisory -> {
            assertThat(advisory.id()).isEqualTo("DSA-3029-1");
            assertThat(advisory.aliases()).containsExactly("CVE-2014-3616");
            assertThat(advisory.summary()).isEqualTo("nginx - security update");
            AffectedPackage nginx = advisory.affected().getFirst();
            assertThat(nginx.ecosystem()).isEqualTo("Debian:7");
            assertThat(nginx.packageName()).isEqualTo("nginx");
            assertThat(nginx.fixState()).isEqualTo(FixState.FIXED);
            assertThat(nginx.ranges())
                    .containsExactly(new AffectedPackage.VersionRange("0", "1.2.1-2.2+wheezy3", null));
        });
    }

    @Test
    void ubuntuProUnfixedWithUbuntuSeverity() throws Exception {
        Advisory advisory = parse(OSV.resolve("osv.dev/UBUNTU-CVE-2025-38094.json"), new ArrayList<>())
                .getFirst();
        assertThat(advisory.aliases()).containsExactly("CVE-2025-38094");
        assertThat(advisory.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(advisory.severitySource()).isEqualTo("ubuntu");
        assertThat(advisory.affected()).singleElement().satisfies(affected -> {
            assertThat(affected.ecosystem()).isEqualTo("Ubuntu Pro:14.04");
            assertThat(affected.fixState()).isEqualTo(FixState.NOT_FIXED);
            assertThat(affected.versions()).contains("3.13.0-1.16");
        });
    }

    @Test
    void alpineRecordWithFiveReleases() throws Exception {
        Advisory advisory = parse(OSV.resolve("osv.dev/CVE-2022-27449.json"), new ArrayList<>())
                .getFirst();
        assertThat(advisory.affected())
                .extracting(AffectedPackage::ecosystem)
                .containsExactly("Alpine:v3.12", "Alpine:v3.13", "Alpine:v3.14", "Alpine:v3.15", "Alpine:v3.16");
        assertThat(advisory.affected())
                .extracting(affected -> affected.ranges().getFirst().fixed())
                .containsExactly("10.4.25-r0", "10.5.16-r0", "10.5.16-r0", "10.6.8-r0", "10.6.8-r0");
    }

    @Test
    void cvssVectorsAreScoredWhenTheDistributionGivesNoSeverity() throws Exception {
        String record = """
                {"id": "TEST-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-0001"],
                 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                 "affected": [{"package": {"ecosystem": "Rocky Linux:8", "name": "openssl"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:1.1.1k-12.el8_9"}]}]}]}
                """;
        List<Advisory> out = new ArrayList<>();
        new OsvParser()
                .parse(
                        "TEST-1.json",
                        new ByteArrayInputStream(record.getBytes(StandardCharsets.UTF_8)),
                        out::add,
                        new ArrayList<>());
        assertThat(out.getFirst().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(out.getFirst().severitySource()).isEqualTo("cvss_v3 (osv)");
        assertThat(out.getFirst().cvss().getFirst().baseScore()).isEqualTo(9.8);
    }

    @Test
    void recordsOfOtherEcosystemsAndExtendedStreamsAreSkipped() throws Exception {
        assertThat(parse(OSV.resolve("osv-schema/linter-testdata/GO-2020-0001.json"), new ArrayList<>()))
                .isEmpty();
        assertThat(parse(OSV.resolve("osv-schema/redhat/RHSA-2024_4546.json"), new ArrayList<>()))
                .isEmpty();
    }

    @Test
    void everyFixtureParsesWithoutErrors() throws Exception {
        List<Path> files;
        try (var walk = Files.walk(OSV)) {
            files = walk.filter(path -> path.toString().endsWith(".json") && !path.endsWith("schema.json"))
                    .toList();
        }
        assertThat(files).hasSizeGreaterThan(15);
        for (Path file : files) {
            parse(file, new ArrayList<>());
        }
    }

    @Test
    void malformedJsonNamesTheFile() {
        assertThatThrownBy(() -> new OsvParser()
                        .parse(
                                "broken.json",
                                new ByteArrayInputStream("{\"id\": ".getBytes(StandardCharsets.UTF_8)),
                                advisory -> {},
                                new ArrayList<>()))
                .isInstanceOf(AdvisoryFormatException.class)
                .hasMessageStartingWith("broken.json is not valid JSON");
    }

    @Test
    void plainUtcDatesReadAsInstantParseReadsThem() {
        for (String text : List.of(
                "2026-11-01T00:00:00Z", "1999-12-31T23:59:59Z", "2024-02-29T12:34:56Z", "1970-01-01T00:00:00Z")) {
            assertThat(OsvParser.plainUtcSeconds(text)).isEqualTo(java.time.Instant.parse(text));
        }
        // left to Instant.parse: fractions, offsets, impossible dates, other shapes
        for (String text : List.of(
                "2026-11-01T00:00:00.5Z",
                "2026-11-01T00:00:00+01:00",
                "2023-02-29T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-11-01T24:00:00Z",
                "2026-11-01 00:00:00Z",
                "2026-1a-01T00:00:00Z")) {
            assertThat(OsvParser.plainUtcSeconds(text)).as(text).isNull();
        }
    }

    @Test
    void summaryCollapsesWhitespaceRunsOfTheFirstSentence() throws Exception {
        String json = "{\"id\": \"DEBIAN-CVE-2099-1\", \"modified\": \"2026-11-01T00:00:00Z\","
                + " \"details\": \"\\n  A flaw\\t\\tin\\r\\n foo\\u000b\\fbar\\u00a0baz. Second sentence.  \\n\","
                + " \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"foo\"},"
                + " \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}]}]}]}";
        List<Advisory> out = new ArrayList<>();
        new OsvParser()
                .parse(
                        "x.json",
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                        out::add,
                        new ArrayList<>());
        assertThat(out.getFirst().summary()).isEqualTo("A flaw in foo bar\u00a0baz.");
        assertThat(out.getFirst().modified()).isEqualTo(java.time.Instant.parse("2026-11-01T00:00:00Z"));
    }
}
