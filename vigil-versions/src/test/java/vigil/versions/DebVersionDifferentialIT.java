package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vigil's deb order against {@code dpkg --compare-versions} on thousands of generated and real pairs. */
class DebVersionDifferentialIT {
    private static final String DPKG = "/usr/bin/dpkg";

    @Test
    void agreesWithDpkg(@TempDir Path temp) throws Exception {
        ReferenceTools.require(DPKG, "dpkg");
        List<String[]> pairs = new ArrayList<>();
        VersionGenerator generator = new VersionGenerator(20261128L);
        for (int i = 0; i < 2500; i++) {
            String left = debVersion(generator);
            String right = generator.chance(60) ? generator.mutate(left, "0123456789.~+aZ") : debVersion(generator);
            if (!right.isEmpty()
                    && Character.isDigit(
                            right.charAt(right.indexOf(':') + 1 < right.length() ? right.indexOf(':') + 1 : 0))) {
                pairs.add(new String[] {left, right});
            }
        }
        List<String> installed = installedVersions();
        for (int i = 0; i + 1 < installed.size(); i++) {
            pairs.add(new String[] {installed.get(i), installed.get(i + 1)});
        }
        List<String> expected = dpkgOrder(pairs, temp);

        List<String> disagreements = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < pairs.size(); i++) {
            String[] pair = pairs.get(i);
            if (expected.get(i).equals("E")) {
                // dpkg refuses the syntax: Vigil must refuse it too, with an IllegalArgumentException.
                try {
                    VersionScheme.DEB.compare(pair[0], pair[1]);
                    disagreements.add(pair[0] + " vs " + pair[1] + ": dpkg refuses it, vigil accepts it");
                } catch (IllegalArgumentException expectedRefusal) {
                    refused++;
                }
                continue;
            }
            int order;
            try {
                order = VersionScheme.DEB.compare(pair[0], pair[1]);
            } catch (IllegalArgumentException e) {
                disagreements.add(
                        pair[0] + " " + expected.get(i) + " " + pair[1] + " (vigil refuses: " + e.getMessage() + ")");
                continue;
            }
            String actual = order < 0 ? "<" : order > 0 ? ">" : "=";
            if (!actual.equals(expected.get(i))) {
                disagreements.add(pair[0] + " " + expected.get(i) + " " + pair[1] + " (vigil says " + actual + ")");
            }
        }
        assertThat(pairs).hasSizeGreaterThan(2000);
        assertThat(disagreements)
                .as("disagreements with dpkg out of " + pairs.size())
                .isEmpty();
    }

    private static String debVersion(VersionGenerator generator) {
        StringBuilder version = new StringBuilder();
        if (generator.chance(20)) {
            version.append(generator.epoch()).append(':');
        }
        version.append(generator.fragment(".+~", 8));
        if (generator.chance(70)) {
            version.append('-').append(generator.fragment(".+~", 4));
        }
        return version.toString();
    }

    private static List<String> installedVersions() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version}\\n").start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return output.lines().filter(line -> !line.isBlank()).distinct().toList();
    }

    /** One shell runs every comparison, printing {@code <}, {@code =} or {@code >} a line. */
    private static List<String> dpkgOrder(List<String[]> pairs, Path temp) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder();
        for (String[] pair : pairs) {
            String a = quote(pair[0]);
            String b = quote(pair[1]);
            script.append("dpkg --compare-versions " + a + " lt " + b + " 2>/dev/null; case $? in 0) echo '<';; ")
                    .append("1) dpkg --compare-versions " + a + " eq " + b + " 2>/dev/null && echo '=' || echo '>';; ")
                    .append("*) echo E;; esac\n");
        }
        Path file = temp.resolve("compare.sh");
        Files.writeString(file, script.toString());
        Process process = new ProcessBuilder("sh", file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        List<String> lines = output.lines().toList();
        assertThat(lines).hasSize(pairs.size());
        return lines;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
