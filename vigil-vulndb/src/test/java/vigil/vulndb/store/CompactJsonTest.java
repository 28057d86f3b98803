package vigil.vulndb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;
import tools.jackson.databind.JsonNode;
import vigil.model.CvssScore;
import vigil.vulndb.AffectedPackage.VersionRange;
import vigil.vulndb.FeedJson;

/**
 * The reader of the columns' own shape answers what Jackson answers, or nothing (then Jackson reads the column):
 * on what the writer writes, always the former; on arbitrary text, never a different answer.
 */
class CompactJsonTest {
    private static final String ALPHABET = "[]{}\",:\\/u0aAe9.-+ \n\u00e9";

    private static Gen<String> text(String alphabet, int longest) {
        return SourceDSL.lists()
                .of(SourceDSL.integers().between(0, alphabet.length() - 1))
                .ofSizeBetween(0, longest)
                .map(picks -> {
                    StringBuilder out = new StringBuilder();
                    picks.forEach(index -> out.append(alphabet.charAt(index)));
                    return out.toString();
                });
    }

    private static Gen<@Nullable String> maybe(Gen<String> values) {
        return SourceDSL.booleans().all().zip(values, (present, value) -> present ? value : null);
    }

    @Test
    void whatTheWriterWritesIsReadWithoutJackson() {
        Gen<String> values = text("ab\"\\/\n\t\b\f\u0001\u001f\u00e9\u2713:{},[]", 6);
        qt().withExamples(2000)
                .forAll(SourceDSL.lists().of(values).ofSizeBetween(0, 4))
                .checkAssert(list ->
                        assertThat(CompactJson.strings(StoreJson.strings(list))).isEqualTo(list));
        qt().withExamples(2000)
                .forAll(maybe(values), maybe(values), maybe(values))
                .checkAssert((introduced, fixed, last) -> {
                    List<VersionRange> ranges =
                            List.of(new VersionRange(introduced, fixed, last), new VersionRange("0", null, null));
                    assertThat(CompactJson.ranges(StoreJson.ranges(ranges))).isEqualTo(ranges);
                });
        qt().withExamples(2000)
                .forAll(values, values, SourceDSL.doubles().between(0, 10), values)
                .checkAssert((version, vector, score, source) -> {
                    List<CvssScore> scores = List.of(new CvssScore(version, vector, score, source));
                    assertThat(CompactJson.cvss(StoreJson.cvss(scores))).isEqualTo(scores);
                });
    }

    @Test
    void onAnyOtherTextItAgreesWithJacksonOrDefers() {
        qt().withExamples(20_000).forAll(text(ALPHABET, 24)).checkAssert(json -> {
            List<String> strings = CompactJson.strings(json);
            if (strings != null) {
                assertThat(strings).as(json).isEqualTo(jacksonStrings(json));
            }
            List<VersionRange> ranges = CompactJson.ranges(json);
            if (ranges != null) {
                assertThat(ranges).as(json).isEqualTo(jacksonRanges(json));
            }
        });
    }

    @Test
    void mutationsOfWrittenColumnsAgreeWithJacksonOrDefer() {
        String written = StoreJson.ranges(
                List.of(new VersionRange("0", "1:2.3-4\"x\\u", null), new VersionRange(null, null, "5")));
        String cvss = StoreJson.cvss(List.of(new CvssScore("3.1", "CVSS:3.1/AV:N", 9.8, "nvd")));
        qt().withExamples(20_000)
                .forAll(
                        SourceDSL.integers().between(0, written.length()),
                        text(ALPHABET, 3),
                        SourceDSL.integers().between(0, 3))
                .checkAssert((at, insert, cut) -> {
                    String json =
                            written.substring(0, at) + insert + written.substring(Math.min(written.length(), at + cut));
                    List<VersionRange> ranges = CompactJson.ranges(json);
                    if (ranges != null) {
                        assertThat(ranges).as(json).isEqualTo(jacksonRanges(json));
                    }
                    int c = Math.min(at, cvss.length());
                    String damaged = cvss.substring(0, c) + insert + cvss.substring(Math.min(cvss.length(), c + cut));
                    List<CvssScore> scores = CompactJson.cvss(damaged);
                    if (scores != null) {
                        assertThat(scores).as(damaged).isEqualTo(jacksonCvss(damaged));
                    }
                });
    }

    /** The column read as a tree: the meaning Jackson gives it (null where Jackson refuses it). */
    private static @Nullable JsonNode tree(String json) {
        try {
            return FeedJson.MAPPER.readTree(json);
        } catch (RuntimeException refused) {
            return null;
        }
    }

    private static @Nullable List<String> jacksonStrings(String json) {
        JsonNode node = tree(json);
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isString()) {
                return null;
            }
            values.add(value.asString());
        }
        return values;
    }

    private static @Nullable List<VersionRange> jacksonRanges(String json) {
        JsonNode node = tree(json);
        if (node == null || !node.isArray()) {
            return null;
        }
        List<VersionRange> ranges = new ArrayList<>();
        for (JsonNode range : node) {
            if (!range.isObject()) {
                return null;
            }
            ranges.add(new VersionRange(
                    range.has("introduced") ? range.get("introduced").asString() : null,
                    range.has("fixed") ? range.get("fixed").asString() : null,
                    range.has("last_affected") ? range.get("last_affected").asString() : null));
        }
        return ranges;
    }

    private static @Nullable List<CvssScore> jacksonCvss(String json) {
        JsonNode node = tree(json);
        if (node == null || !node.isArray()) {
            return null;
        }
        List<CvssScore> scores = new ArrayList<>();
        for (JsonNode score : node) {
            scores.add(new CvssScore(
                    score.path("version").asString(),
                    score.path("vector").asString(),
                    score.path("score").asDouble(),
                    score.path("source").asString()));
        }
        return scores;
    }
}
