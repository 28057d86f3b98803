package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Vigil's rpm order against rpm's own {@code labelCompare} (python3-rpm) on thousands of generated pairs. */
class RpmVersionDifferentialIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String COMPARER = """
            import sys, rpm
            for line in sys.stdin:
                e1, v1, r1, e2, v2, r2 = line.rstrip('\\n').split('\\t')
                order = rpm.labelCompare((e1 or None, v1, r1 or None), (e2 or None, v2, r2 or None))
                print('<' if order < 0 else '>' if order > 0 else '=', flush=False)
            """;

    record Evr(String epoch, String version, String release) {
        String text() {
            return (epoch.isEmpty() ? "" : epoch + ":") + version + (release.isEmpty() ? "" : "-" + release);
        }

        String tsv() {
            return epoch + "\t" + version + "\t" + release;
        }
    }

    @Test
    void agreesWithRpmLabelCompare() throws Exception {
        ReferenceTools.require(PYTHON, "python3-rpm");
        VersionGenerator generator = new VersionGenerator(42L);
        List<Evr[]> pairs = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Evr left = evr(generator);
            Evr right = generator.chance(60)
                    ? new Evr(
                            generator.chance(80) ? left.epoch() : String.valueOf(generator.epoch()),
                            generator.chance(50)
                                    ? generator.mutate(left.version(), "0123456789.~^_+aZ")
                                    : left.version(),
                            generator.chance(50)
                                    ? generator.mutate(left.release(), "0123456789.~^_aZ")
                                    : left.release())
                    : evr(generator);
            pairs.add(new Evr[] {left, right});
        }
        Process python = new ProcessBuilder(PYTHON, "-c", COMPARER)
                .redirectErrorStream(true)
                .start();
        try (Writer input = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8)) {
            for (Evr[] pair : pairs) {
                input.write(pair[0].tsv() + "\t" + pair[1].tsv() + "\n");
            }
        }
        List<String> expected = new BufferedReader(
                        new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))
                .lines()
                .toList();
        assertThat(python.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(expected).as("python3-rpm output").hasSize(pairs.size());

        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Evr[] pair = pairs.get(i);
            int order = VersionScheme.RPM.compare(pair[0].text(), pair[1].text());
            String actual = order < 0 ? "<" : order > 0 ? ">" : "=";
            if (!actual.equals(expected.get(i))) {
                disagreements.add(
                        pair[0].text() + " " + expected.get(i) + " " + pair[1].text() + " (vigil says " + actual + ")");
            }
        }
        assertThat(disagreements)
                .as("disagreements with rpm out of " + pairs.size())
                .isEmpty();
    }

    private static Evr evr(VersionGenerator generator) {
        String epoch = generator.chance(25) ? String.valueOf(generator.epoch()) : "";
        String version = generator.fragment("._+~^", 8);
        String release = generator.chance(90) ? generator.fragment("._~^", 4) : "";
        return new Evr(epoch, version, release);
    }
}
