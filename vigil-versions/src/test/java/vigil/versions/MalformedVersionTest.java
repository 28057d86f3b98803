package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Malformed versions (issue 10): ordered as the reference tool orders them, but never silently trusted. */
class MalformedVersionTest {
    /** apk-tools 3's own "must fail" validation cases that Vigil used to compare as plain equals. */
    private static final List<String> MALFORMED_APK =
            List.of("", "0.1bc", "0.1_foobar", "0.1-r", "-r1", "a", "0.1__alpha");

    @Test
    void malformedApkVersionsAreRejectedWithTheReason() {
        for (String version : MALFORMED_APK) {
            assertThat(VersionScheme.APK.isValid(version)).as(version).isFalse();
            assertThat(VersionScheme.APK.problem(version))
                    .as(version)
                    .hasValueSatisfying(problem -> assertThat(problem).contains("'" + version + "'"));
        }
        assertThat(VersionScheme.APK.problem("0.1_foobar"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("goes wrong at '_foobar'"));
    }

    @Test
    void anOrderThatRestsOnAMalformedApkPartIsDoubted() {
        for (String version : MALFORMED_APK) {
            VersionScheme.Comparison itself = VersionScheme.APK.compareChecked(version, version);
            assertThat(itself.order()).as(version).isZero(); // apk-tools 3 says '=' too
            assertThat(itself.trusted()).as(version + " vs itself").isFalse();
        }
        // apk 3 says '=' for two versions that go wrong at the same point: an answer, not a fact.
        VersionScheme.Comparison same = VersionScheme.APK.compareChecked("5.7.1p1-r0", "5.7.1p1-r1");
        assertThat(same.order()).isZero();
        assertThat(same.doubt()).contains("'5.7.1p1-r0'").contains("goes wrong at '1-r0'");
        // decided before the malformed part: trusted
        VersionScheme.Comparison before = VersionScheme.APK.compareChecked("1.2.3_foo-r0", "1.2.4-r0");
        assertThat(before.order()).isNegative();
        assertThat(before.trusted()).isTrue();
        assertThat(VersionScheme.APK.compareChecked("1.2.3-r0", "1.2.4-r0").trusted())
                .isTrue();
    }

    @Test
    void debFollowsDpkgCompareVersionsOnTheEmptyVersionButDoubtsIt() {
        // dpkg --compare-versions reads an empty argument as the blank version, older than all; no package has it
        assertThat(VersionScheme.DEB.compare("", "0")).isNegative();
        assertThat(VersionScheme.DEB.compare("~~", "")).isPositive();
        assertThat(VersionScheme.DEB.compareChecked("", "1.0-1").trusted()).isFalse();
        assertThat(VersionScheme.DEB.isValid("")).isFalse();
        assertThat(VersionScheme.DEB.problem("foo5.2"))
                .hasValueSatisfying(problem -> assertThat(problem).contains("does not start with a digit"));
        assertThat(VersionScheme.DEB.problem("1.0-1+deb12u1")).isEmpty();
        assertThat(VersionScheme.DEB.compareChecked("1.0-1", "1.0-2").trusted()).isTrue();
    }
}
