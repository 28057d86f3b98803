package vigil.server.findings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScanStateTest {
    private static final long DAY = 86_400_000L;

    @Test
    void aResourceIsScannedNotScannedWithWhyOrStale() {
        long now = 100 * DAY;
        assertThat(ScanState.describe("scanned", "", now - DAY, now)).isEqualTo("scanned");
        assertThat(ScanState.describe(null, null, now - DAY, now)).isEqualTo("scanned");
        assertThat(ScanState.describe("not_scanned", "no advisories for Amazon Linux:2023", now, now))
                .isEqualTo("not scanned: no advisories for Amazon Linux:2023");
        assertThat(ScanState.describe("scanned", "", now - 3 * DAY, now)).startsWith("stale: last scanned");
    }
}
