package vigil.vulndb.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vigil.vulndb.AffectedPackage;
import vigil.vulndb.FeedJson;

/** The hand-written JSON columns are exactly what Jackson wrote before, and read back unchanged. */
class StoreJsonWritingTest {
    private static final List<String> AWKWARD = List.of(
            "",
            "plain",
            "quote \" and \\ backslash",
            "line\nbreak\ttab\rreturn",
            "\b\f\u0000\u001f",
            "é ✓ 𝄞",
            "/slash");

    @Test
    void stringsAreWhatJacksonWrites() {
        ArrayNode jackson = FeedJson.MAPPER.createArrayNode();
        AWKWARD.forEach(jackson::add);
        assertThat(StoreJson.strings(AWKWARD)).isEqualTo(jackson.toString());
        assertThat(StoreJson.strings(StoreJson.strings(AWKWARD))).isEqualTo(AWKWARD);
        assertThat(StoreJson.strings(List.of())).isEqualTo("[]");
    }

    @Test
    void rangesAreWhatJacksonWrites() {
        List<AffectedPackage.VersionRange> ranges = List.of(
                new AffectedPackage.VersionRange("0", "1:2.3-4\"x", null),
                new AffectedPackage.VersionRange(null, null, "5.0\\n"),
                new AffectedPackage.VersionRange(null, null, null),
                new AffectedPackage.VersionRange("1", null, null));
        ArrayNode jackson = FeedJson.MAPPER.createArrayNode();
        for (AffectedPackage.VersionRange range : ranges) {
            ObjectNode node = jackson.addObject();
            if (range.introduced() != null) {
                node.put("introduced", range.introduced());
            }
            if (range.fixed() != null) {
                node.put("fixed", range.fixed());
            }
            if (range.lastAffected() != null) {
                node.put("last_affected", range.lastAffected());
            }
        }
        assertThat(StoreJson.ranges(ranges)).isEqualTo(jackson.toString());
        assertThat(StoreJson.ranges(StoreJson.ranges(ranges))).isEqualTo(ranges);
    }
}
