package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.Target;

class AdvisoryCoverageTest {
    private static Inventory inventory(OsFamily family, String version) {
        return new Inventory(
                new Target(Target.Kind.ROOTFS, "test", null),
                new OperatingSystem(family, version, family + " " + version),
                OsSupport.supported("listed"),
                List.of(),
                List.of(),
                Instant.EPOCH);
    }

    /** A database holding advisories for exactly these ecosystems. */
    private static java.util.function.Predicate<String> status(String... ecosystems) {
        return java.util.Set.of(ecosystems)::contains;
    }

    @Test
    void anOsTheDatabaseCoversIsScanned() {
        Inventory debian = inventory(OsFamily.DEBIAN, "12.5");
        assertThat(ScanCommand.withAdvisoryCoverage(debian, status("Debian:12", "Alpine:v3.19")))
                .isSameAs(debian);
    }

    @Test
    void anOsWithoutAdvisoriesIsNotScannedAndSaysWhatToImport() {
        Inventory amazon = inventory(OsFamily.AMAZON, "2");
        OsSupport support =
                ScanCommand.withAdvisoryCoverage(amazon, status("Debian:12")).osSupport();
        assertThat(support.scannable()).isFalse();
        assertThat(support.level()).isEqualTo(OsSupport.Level.NO_ADVISORIES);
        assertThat(support.reason()).contains("Amazon Linux:2").contains("vigil db import");

        Inventory debian11 = inventory(OsFamily.DEBIAN, "11.9");
        assertThat(ScanCommand.withAdvisoryCoverage(debian11, status("Debian:12"))
                        .osSupport()
                        .reason())
                .contains("Debian:11")
                .contains("vigil db update");
    }

    @Test
    void anUnscannableOsKeepsItsOwnReason() {
        Inventory sid = new Inventory(
                new Target(Target.Kind.ROOTFS, "sid", null),
                new OperatingSystem(OsFamily.DEBIAN, "trixie/sid", "Debian sid"),
                new OsSupport(OsSupport.Level.UNSUPPORTED, "sid is not supported"),
                List.of(),
                List.of(),
                Instant.EPOCH);
        assertThat(ScanCommand.withAdvisoryCoverage(sid, status())).isSameAs(sid);
    }
}
