package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Arbitrary strings: every scheme either orders them consistently or refuses them with IllegalArgumentException. */
class VersionSchemeFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void comparisonIsTotalAndAntisymmetric(FuzzedDataProvider data) {
        String a = data.consumeString(40);
        String b = data.consumeString(40);
        for (VersionScheme scheme : VersionScheme.values()) {
            int forward;
            int backward;
            try {
                forward = Integer.signum(scheme.compare(a, b));
                backward = Integer.signum(scheme.compare(b, a));
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).isNotBlank();
                continue;
            }
            assertThat(forward).as(scheme + ": " + a + " vs " + b).isEqualTo(-backward);
            assertThat(scheme.compare(a, a))
                    .as(scheme + ": " + a + " vs itself")
                    .isZero();
        }
    }
}
