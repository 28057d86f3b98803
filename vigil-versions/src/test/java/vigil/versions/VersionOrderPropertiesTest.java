package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Each scheme is a total order: antisymmetric, transitive, and sorting is stable under shuffles. */
class VersionOrderPropertiesTest {
    private static Gen<String> versions(String alphabet) {
        return SourceDSL.strings()
                .betweenCodePoints('0', '9')
                .ofLengthBetween(1, 3)
                .zip(
                        SourceDSL.lists()
                                .of(SourceDSL.integers().between(0, alphabet.length() - 1))
                                .ofSizeBetween(0, 8),
                        (head, picks) -> {
                            StringBuilder out = new StringBuilder(head);
                            picks.forEach(index -> out.append(alphabet.charAt(index)));
                            return out.toString();
                        });
    }

    private static void totalOrder(VersionScheme scheme, String alphabet) {
        qt().withExamples(3000)
                .forAll(versions(alphabet), versions(alphabet), versions(alphabet))
                .checkAssert((a, b, c) -> {
                    try {
                        int ab = Integer.signum(scheme.compare(a, b));
                        assertThat(Integer.signum(scheme.compare(b, a))).isEqualTo(-ab);
                        int bc = Integer.signum(scheme.compare(b, c));
                        if (ab <= 0 && bc <= 0) {
                            assertThat(scheme.compare(a, c))
                                    .as(a + " <= " + b + " <= " + c)
                                    .isLessThanOrEqualTo(0);
                        }
                    } catch (IllegalArgumentException refused) {
                        // a generated string the scheme cannot read; refusal is the documented answer
                    }
                });
    }

    @Test
    void debIsATotalOrder() {
        totalOrder(VersionScheme.DEB, "0123456789.~+-:abZ");
    }

    @Test
    void rpmIsATotalOrder() {
        totalOrder(VersionScheme.RPM, "0123456789.~^_+-:abZ");
    }

    @Test
    void apkIsATotalOrder() {
        totalOrder(VersionScheme.APK, "0123456789._-r~abpe");
    }

    @Test
    void sortingIsIndependentOfInputOrder() {
        List<String> versions = new ArrayList<>(List.of(
                "1.0-r0", "1.0_rc1-r0", "1.0_p1-r0", "1.0a-r0", "1.0.1-r0", "0.9-r5", "1.0-r1", "1.0_alpha-r0"));
        List<String> sorted = new ArrayList<>(versions);
        sorted.sort(VersionScheme.APK);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(versions, new java.util.Random(round));
            versions.sort(VersionScheme.APK);
            assertThat(versions).isEqualTo(sorted);
        }
        assertThat(sorted)
                .containsExactly(
                        "0.9-r5", "1.0_alpha-r0", "1.0_rc1-r0", "1.0-r0", "1.0-r1", "1.0_p1-r0", "1.0a-r0", "1.0.1-r0");
    }

    /** The one-parse checked comparison of Debian versions answers as the order and the two problem checks did. */
    @Test
    void debCheckedComparisonAgreesWithOrderAndProblems() {
        qt().withExamples(5000)
                .forAll(versions("0123456789.~+-:abZ _%"), versions("0123456789.~+-:abZ _%"))
                .checkAssert((a, b) -> {
                    String left = a.startsWith("0") ? "" : a.startsWith("1") ? "x" + a : a;
                    Object expected;
                    try {
                        int order = DebVersion.compare(left, b);
                        expected = new VersionScheme.Comparison(
                                order,
                                DebVersion.problem(left)
                                        .or(() -> DebVersion.problem(b))
                                        .orElse(null));
                    } catch (IllegalArgumentException refused) {
                        expected = refused.getMessage();
                    }
                    Object actual;
                    try {
                        actual = VersionScheme.DEB.compareChecked(left, b);
                    } catch (IllegalArgumentException refused) {
                        actual = refused.getMessage();
                    }
                    assertThat(actual).as("'%s' against '%s'", left, b).isEqualTo(expected);
                });
    }
}
