package vigil.vulndb.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AdvisoryFeedParser;
import vigil.vulndb.AdvisoryFormatException;
import vigil.vulndb.AffectedPackage;
import vigil.vulndb.feeds.alas.AlasParser;
import vigil.vulndb.feeds.oval.OvalParser;
import vigil.vulndb.feeds.redhat.RedHatParser;

/** Vendor feeds against vunnel's expected normalized records (fixtures/vulns/advisories/vunnel/*). */
class VendorFeedsTest {
    private static final Path ADVISORIES =
            Path.of(System.getProperty("vigil.fixtures", "fixtures"), "vulns", "advisories");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static List<Advisory> parse(AdvisoryFeedParser parser, Path file) throws Exception {
        List<Advisory> out = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(file);
        assertThat(parser.accepts(file.toString(), java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 8192))))
                .as(parser.name() + " accepts " + file)
                .isTrue();
        try (InputStream input = new ByteArrayInputStream(bytes)) {
            parser.parse(file.toString(), input, out::add, new ArrayList<>());
        }
        return out;
    }

    private static JsonNode vulnerability(Path snapshot) throws Exception {
        return JSON.readTree(Files.readString(snapshot)).path("item").path("Vulnerability");
    }

    /** name -> fixed version ("None" when unfixed), as vunnel lists FixedIn. */
    private static Map<String, String> expectedFixes(JsonNode vulnerability) {
        Map<String, String> fixes = new TreeMap<>();
        for (JsonNode fixedIn : vulnerability.path("FixedIn")) {
            fixes.put(
                    fixedIn.path("Name").asString(),
                    fixedIn.path("Version").asString().replaceFirst("^0:", ""));
        }
        return fixes;
    }

    private static Map<String, String> actualFixes(List<Advisory> advisories, String ecosystem) {
        Map<String, String> fixes = new TreeMap<>();
        for (Advisory advisory : advisories) {
            for (AffectedPackage affected : advisory.affected()) {
                if (affected.ecosystem().equals(ecosystem)) {
                    String fixed = affected.ranges().isEmpty()
                            ? null
                            : affected.ranges().getFirst().fixed();
                    fixes.put(affected.packageName(), fixed == null ? "None" : fixed);
                }
            }
        }
        return fixes;
    }

    private static List<Path> files(Path directory) throws Exception {
        try (Stream<Path> list = Files.list(directory)) {
            return list.sorted().toList();
        }
    }

    @Test
    void amazonAdvisoryPagesMatchVunnel() throws Exception {
        int compared = 0;
        for (String release : List.of("2", "2022")) {
            for (Path snapshot : files(ADVISORIES.resolve("vunnel/amazon/snapshots/amzn:" + release))) {
                JsonNode expected = vulnerability(snapshot);
                String id = expected.path("Name").asString();
                Path page = ADVISORIES.resolve("vunnel/amazon/input/" + release + "_html/" + id);
                List<Advisory> advisories = parse(new AlasParser(), page);
                assertThat(advisories).as(id).hasSize(1);
                // vunnel keeps the RSS id (ALAS-2021-001); the page's own heading says ALAS2022-2021-001.
                assertThat(advisories.getFirst().id().replaceFirst("^ALAS(2022|2023)-", "ALAS-"))
                        .isEqualTo(id);
                assertThat(advisories.getFirst().severity().label())
                        .isEqualTo(expected.path("Severity").asString());
                assertThat(actualFixes(advisories, "Amazon Linux:" + release))
                        .as(id)
                        .isEqualTo(expectedFixes(expected));
                compared++;
            }
        }
        assertThat(compared).isPositive();
    }

    @Test
    void amazonVulnListJson() throws Exception {
        List<Advisory> advisories = parse(
                new AlasParser(), ADVISORIES.resolve("trivy-db/amazon/happy/vuln-list/amazon/2/ALAS2-2021-1699.json"));
        Advisory advisory = advisories.getFirst();
        assertThat(advisory.id()).isEqualTo("ALAS2-2021-1699");
        assertThat(advisory.severity()).isEqualTo(Severity.LOW);
        assertThat(advisory.aliases()).contains("CVE-2021-22543");
        assertThat(actualFixes(advisories, "Amazon Linux:2")).containsEntry("kernel", "4.14.243-185.433.amzn2");
        List<Advisory> one = parse(
                new AlasParser(), ADVISORIES.resolve("trivy-db/amazon/happy/vuln-list/amazon/1/ALAS-2018-1093.json"));
        assertThat(one.getFirst().affected())
                .allSatisfy(affected -> assertThat(affected.ecosystem()).isEqualTo("Amazon Linux:1"));
    }

    @Test
    void oracleOvalMatchesVunnel() throws Exception {
        List<Advisory> advisories = parse(new OvalParser(), ADVISORIES.resolve("vunnel/oracle/mock_data"));
        int compared = 0;
        for (String release : List.of("5", "6")) {
            for (Path snapshot : files(ADVISORIES.resolve("vunnel/oracle/snapshots/ol:" + release))) {
                JsonNode expected = vulnerability(snapshot);
                String id = expected.path("Name").asString();
                List<Advisory> matching = advisories.stream()
                        .filter(advisory -> advisory.id().equals(id))
                        .toList();
                assertThat(matching).as(id).hasSize(1);
                assertThat(matching.getFirst().severity().label())
                        .isEqualTo(expected.path("Severity").asString());
                assertThat(actualFixes(matching, "Oracle Linux:" + release))
                        .as(id)
                        .isEqualTo(expectedFixes(expected));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(2);
    }

    @Test
    void oracleKspliceVariantsAreSkipped() throws Exception {
        Path file = ADVISORIES.resolve("vunnel/oracle/mock_ksplice_data");
        List<Advisory> advisories = parse(new OvalParser(), file);
        assertThat(advisories)
                .allSatisfy(advisory -> assertThat(advisory.affected())
                        .allSatisfy(affected ->
                                assertThat(affected.ranges().getFirst().fixed()).doesNotContain("ksplice")));
    }

    @Test
    void redHatCveRecordsMatchVunnel() throws Exception {
        int compared = 0;
        Set<String> mismatches = new TreeSet<>();
        for (String release : List.of("6", "7", "8")) {
            for (Path snapshot : files(ADVISORIES.resolve("vunnel/rhel/snapshots/rhel:" + release))) {
                JsonNode expected = vulnerability(snapshot);
                String id = expected.path("Name").asString();
                Path input = ADVISORIES.resolve("vunnel/rhel/oval/input/cve/full/" + id);
                if (!Files.exists(input)) {
                    continue;
                }
                Map<String, String> want = expectedFixes(expected);
                Map<String, String> got = actualFixes(parse(new RedHatParser(), input), "Red Hat:" + release);
                compared++;
                for (Map.Entry<String, String> entry : want.entrySet()) {
                    // vunnel writes "Not affected" as "fixed in 0"; Vigil records nothing, which matches nothing.
                    String expectedValue = entry.getValue().equals("0") ? null : entry.getValue();
                    if (!java.util.Objects.equals(expectedValue, got.get(entry.getKey()))) {
                        mismatches.add("rhel:" + release + " " + id + " " + entry.getKey() + ": vunnel "
                                + entry.getValue() + ", vigil " + got.get(entry.getKey()));
                    }
                }
            }
        }
        assertThat(compared).isPositive();
        assertThat(mismatches).as("of " + compared + " records").isEmpty();
    }

    @Test
    void redHatWillNotFixIsKept() throws Exception {
        List<Advisory> advisories =
                parse(new RedHatParser(), ADVISORIES.resolve("vunnel/rhel/oval/input/cve/full/CVE-2022-1921"));
        AffectedPackage rhel8 = advisories.getFirst().affected().stream()
                .filter(affected -> affected.ecosystem().equals("Red Hat:8"))
                .findFirst()
                .orElseThrow();
        assertThat(rhel8.packageName()).isEqualTo("gstreamer1-plugins-good");
        assertThat(rhel8.fixState()).isEqualTo(FixState.WONT_FIX);
        assertThat(advisories.getFirst().affected()).anySatisfy(affected -> {
            assertThat(affected.ecosystem()).isEqualTo("Red Hat:9");
            assertThat(affected.fixState()).isEqualTo(FixState.FIXED);
        });
    }

    @Test
    void redHatCsafAdvisoriesKeepMainStreamsOnly() throws Exception {
        List<Advisory> advisories =
                parse(new RedHatParser(), ADVISORIES.resolve("vunnel/rhel/csaf/advisories/rhsa-2024_0811.json"));
        Advisory advisory = advisories.getFirst();
        assertThat(advisory.id()).isEqualTo("RHSA-2024:0811");
        assertThat(advisory.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(actualFixes(advisories, "Red Hat:8")).containsEntry("sudo", "1.9.5p2-1.el8_9");
        assertThat(actualFixes(advisories, "Red Hat:9")).containsEntry("sudo", "1.9.5p2-10.el9_3");
        assertThat(advisory.affected())
                .noneSatisfy(affected -> assertThat(affected.packageName()).endsWith("-debuginfo"));
    }

    @Test
    void hostileXmlIsRefused() {
        String billionLaughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
                <oval_definitions><definitions><definition id="x"><metadata><title>&lol2;</title></metadata></definition></definitions></oval_definitions>
                """;
        assertThatThrownBy(() -> new OvalParser()
                        .parse(
                                "lolz.xml",
                                new ByteArrayInputStream(billionLaughs.getBytes(StandardCharsets.UTF_8)),
                                advisory -> {},
                                new ArrayList<>()))
                .isInstanceOf(AdvisoryFormatException.class)
                .hasMessageContaining("lolz.xml");
        assertThatThrownBy(() -> new OvalParser()
                        .parse(
                                "truncated.xml",
                                new ByteArrayInputStream(
                                        "<oval_definitions><definitions><definition".getBytes(StandardCharsets.UTF_8)),
                                advisory -> {},
                                new ArrayList<>()))
                .isInstanceOf(AdvisoryFormatException.class)
                .hasMessageContaining("truncated.xml");
    }
}
