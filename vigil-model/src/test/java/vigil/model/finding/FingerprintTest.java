package vigil.model.finding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintTest {
    @Test
    void sameInputsGiveTheSameId() {
        assertThat(Fingerprint.of(Category.VULNERABILITY, "CVE-1", "host", "pkg"))
                .isEqualTo(Fingerprint.of(Category.VULNERABILITY, "CVE-1", "host", "pkg"))
                .hasSize(32);
    }

    @Test
    void partsCannotCollideByConcatenation() {
        assertThat(Fingerprint.of(Category.VULNERABILITY, "CVE-1", "ab", "c"))
                .isNotEqualTo(Fingerprint.of(Category.VULNERABILITY, "CVE-1", "a", "bc"));
        assertThat(Fingerprint.of(Category.VULNERABILITY, "r", "x", "s"))
                .isNotEqualTo(Fingerprint.of(Category.THREAT, "r", "x", "s"));
    }
}
