package vigil.vulnerabilities;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
        // the matcher's doubts (ADR 0021) are said, not dropped
        ScanState doubtful = ScanState.withWarnings(List.of(
                "package busybox 1.36.1-r0: 1 advisory range could not be" + " checked reliably",
                "package tcsh 6.24.1p1-r1: ..."));
        assertThat(doubtful.scanned()).isTrue();
        assertThat(ScanState.describe(doubtful.column(), doubtful.note(), now, now))
                .startsWith("scanned; 2 packages have versions that cannot be compared reliably")
                .contains("busybox 1.36.1-r0");
        assertThat(ScanState.withWarnings(List.of())).isEqualTo(ScanState.ok());
    }
}
