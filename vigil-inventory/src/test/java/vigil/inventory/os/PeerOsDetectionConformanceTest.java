package vigil.inventory.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import vigil.inventory.Fixtures;
import vigil.inventory.OsDetection;
import vigil.model.OperatingSystem;

/**
 * The OS-detection roots of Trivy's and Syft's test suites ({@code ../shared/fixtures/peers/os-cases.tsv} and
 * {@code os-fixtures/}, described in its SOURCE.md): each root must give the family and version in the table
 * ({@code -}: no OS at all). Rows with family {@code ?} (a family Vigil does not model, or only a peer parser's
 * strictness) are shown, not counted. Prints the pass rate per source; fails on any miss not in {@link
 * #KNOWN_EXCEPTIONS}, and on an exception that passes now.
 */
class PeerOsDetectionConformanceTest {
    private static final Path PEERS = Path.of(System.getProperty("vigil.shared", "../shared"), "fixtures", "peers");

    /** Case id of a root Vigil knowingly reads otherwise than the table, and why. */
    private static final Map<String, String> KNOWN_EXCEPTIONS = Map.of();

    @Test
    void everyPeerRootIsIdentifiedAsTheTableSays() throws IOException {
        List<String> lines = Files.readAllLines(PEERS.resolve("os-cases.tsv"));
        assertThat(lines.getFirst()).startsWith("id\tsource\tpeer_expect\tfamily\tversion");
        Map<String, int[]> perSource = new TreeMap<>();
        List<String> newFailures = new ArrayList<>();
        List<String> staleExceptions = new ArrayList<>();
        List<String> informational = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            String id = fields[0];
            String family = fields[3];
            String version = fields[4];
            Path root = PEERS.resolve("os-fixtures").resolve(id);
            OsDetection detection = OsDetector.detect(Fixtures.root(root));
            OperatingSystem os = detection.os();
            String found = os == null ? "-" : os.family().id() + " " + os.version();
            if (family.equals("?")) {
                informational.add(id + ": " + found + " (peer: " + fields[2] + ")");
                continue;
            }
            boolean passed = family.equals("-")
                    ? os == null
                    : os != null
                            && os.family().id().equals(family)
                            && (version.isEmpty() || os.version().equals(version));
            String source = id.substring(0, id.indexOf('-'));
            int[] counts = perSource.computeIfAbsent(source, key -> new int[2]);
            counts[0] += passed ? 1 : 0;
            counts[1]++;
            boolean known = KNOWN_EXCEPTIONS.containsKey(id);
            if (!passed && !known) {
                newFailures.add(id + ": expected " + family + (version.isEmpty() ? "" : " " + version) + ", found "
                        + found + " (" + detection.support() + ")");
            } else if (passed && known) {
                staleExceptions.add(id);
            }
        }
        int passedAll = 0;
        int total = 0;
        for (Map.Entry<String, int[]> source : perSource.entrySet()) {
            int[] counts = source.getValue();
            passedAll += counts[0];
            total += counts[1];
            System.out.printf(
                    Locale.ROOT,
                    "peer os detection %-8s %3d/%3d  %6.2f%%%n",
                    source.getKey(),
                    counts[0],
                    counts[1],
                    100.0 * counts[0] / counts[1]);
        }
        System.out.printf(
                Locale.ROOT,
                "peer os detection %-8s %3d/%3d  %6.2f%%%n",
                "ALL",
                passedAll,
                total,
                100.0 * passedAll / total);
        informational.forEach(row -> System.out.println("peer os detection, not counted: " + row));
        assertThat(total).isGreaterThan(60);
        assertThat(newFailures)
                .as("roots identified otherwise than the peers' table (fix them, or list them in KNOWN_EXCEPTIONS)")
                .isEmpty();
        assertThat(staleExceptions)
                .as("known exceptions that pass now: remove them from KNOWN_EXCEPTIONS")
                .isEmpty();
    }
}
