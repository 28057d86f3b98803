package vigil.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import vigil.model.CvssScore;

/** Base scores as FIRST's calculators give them (v2, v3.0, v3.1, v4.0 examples from the specifications). */
class CvssVectorsTest {
    @ParameterizedTest
    @CsvSource({
        "AV:N/AC:L/Au:N/C:P/I:P/A:P, 2.0, 7.5",
        "AV:N/AC:M/Au:N/C:N/I:P/A:N, 2.0, 4.3",
        "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H, 3.0, 7.8",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 3.1, 9.8",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N, 3.1, 6.1",
        "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L, 3.1, 1.6",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 9.3",
        "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 8.5",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N, 4.0, 5.1",
    })
    void scoresLikeTheReferenceCalculators(String vector, String version, double score) {
        CvssScore scored = CvssVectors.score(vector, "nvd").orElseThrow();
        assertThat(scored.version()).isEqualTo(version);
        assertThat(scored.baseScore()).isEqualTo(score);
        assertThat(scored.source()).isEqualTo("nvd");
        assertThat(scored.vector()).isEqualTo(vector);
    }

    /** Every worked example of the v4.0 specification (FIRST's examples page, in fixtures/cvss). */
    @Test
    void everyFirstV4ExampleScoresAsPublished() throws Exception {
        Path examples = Path.of(System.getProperty("vigil.repo"), "fixtures", "cvss", "first-v4-examples.txt");
        List<String> mismatches = new ArrayList<>();
        int total = 0;
        for (String line : Files.readAllLines(examples)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            total++;
            String[] fields = line.split(" ", 2);
            double expected = Double.parseDouble(fields[0]);
            Optional<CvssScore> scored = CvssVectors.score(fields[1], "test");
            if (scored.isEmpty() || scored.get().baseScore() != expected) {
                mismatches.add(fields[1] + " expected " + expected + " got "
                        + scored.map(CvssScore::baseScore).orElse(null));
            }
        }
        assertThat(total).isEqualTo(41);
        assertThat(mismatches)
                .as("%d of %d examples differ", mismatches.size(), total)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "CVSS:3.1/AV:Q", "not a vector", "CVSS:9.9/AV:N"})
    void unreadableVectorsAreNotScored(String vector) {
        assertThat(CvssVectors.score(vector, "nvd")).isEmpty();
    }
}
