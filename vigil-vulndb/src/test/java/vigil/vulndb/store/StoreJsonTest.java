package vigil.vulndb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.vulndb.AffectedPackage.VersionRange;

/** The JSON columns read back what was written, with the streaming reader that scans use. */
class StoreJsonTest {
    @Test
    void stringsRoundTrip() {
        for (List<String> values : List.of(
                List.<String>of(),
                List.of("CVE-2099-0001"),
                List.of("a \"quoted\" \\ value", "é", "https://x/y?z=1"))) {
            assertThat(StoreJson.strings(StoreJson.strings(values))).isEqualTo(values);
        }
        assertThat(StoreJson.strings((String) null)).isEmpty();
    }

    @Test
    void rangesRoundTrip() {
        List<VersionRange> ranges = List.of(
                new VersionRange("0", "1.2-1", null),
                new VersionRange(null, null, "2:3.4"),
                new VersionRange("1.0", null, null),
                new VersionRange(null, null, null));
        assertThat(StoreJson.ranges(StoreJson.ranges(ranges))).isEqualTo(ranges);
        assertThat(StoreJson.ranges(StoreJson.ranges(List.of()))).isEmpty();
    }

    @Test
    void fieldsOfALaterVersionAreIgnoredAndDamageIsNamed() {
        assertThat(StoreJson.ranges("[{\"introduced\":\"0\",\"limit\":{\"a\":[9]},\"fixed\":\"1\"}]"))
                .containsExactly(new VersionRange("0", "1", null));
        assertThatThrownBy(() -> StoreJson.strings("{\"a\":1}"))
                .hasMessageContaining("{\"a\":1}")
                .hasMessageContaining("vigil db update");
        assertThatThrownBy(() -> StoreJson.ranges("[[]]")).hasMessageContaining("damaged");
    }

    @Test
    void instantsReadAsInstantParseReadsThem() {
        for (String text : List.of(
                "2026-01-01T00:00:00Z",
                "1999-12-31T23:59:59Z",
                "2026-11-29T10:15:30.123Z",
                "2026-11-29T10:15:30.123456Z",
                "2026-11-29T10:15:30.123456789Z",
                "2026-11-29T10:15:30.5Z",
                "2016-12-31T23:59:60Z",
                "+12026-01-01T00:00:00Z")) {
            assertThat(StoreJson.instant(text)).as(text).isEqualTo(java.time.Instant.parse(text));
        }
        java.time.Instant now = java.time.Instant.now();
        assertThat(StoreJson.instant(now.toString())).isEqualTo(now);
        for (String bad : List.of("2026-13-01T00:00:00Z", "2026-01-01T00:00:00", "2026-0a-01T00:00:00Z", "x")) {
            assertThatThrownBy(() -> StoreJson.instant(bad)).as(bad).isInstanceOf(java.time.DateTimeException.class);
        }
    }
}
