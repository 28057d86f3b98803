package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The version-order cases of the peers' test suites (Grype, Trivy, apk-tools, dpkg, apt, rpm, osv-scalibr,
 * claircore; {@code ../shared/fixtures/peers/cases}, described in its SOURCE.md), each checked against the verdict
 * of the reference tool itself ({@code ref}: dpkg, rpm, apk-tools 3), which wins where a peer expects otherwise.
 * Prints the pass rate per suite; fails on any disagreement that is not in {@link #KNOWN_EXCEPTIONS}, and on an
 * exception that no longer fails (so the list stays exact).
 */
class PeerVersionConformanceTest {
    private static final Path CASES =
            Path.of(System.getProperty("vigil.shared", "../shared"), "fixtures", "peers", "cases");

    /** {@code suite/id} of a case Vigil knowingly answers otherwise than the reference tool, and why. */
    private static final Map<String, String> KNOWN_EXCEPTIONS = Map.of();

    private static final Pattern TERM = Pattern.compile("^\\s*(<=|>=|!=|==|=|<|>)?\\s*(\\S.*?)\\s*$");

    record Case(String suite, String id, VersionScheme scheme, String a, String expect, String b, String ref) {
        String key() {
            return suite + "/" + id;
        }
    }

    @Test
    void everyPeerCaseAgreesWithTheReferenceTool() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(CASES)) {
            files = listing.filter(file -> file.toString().endsWith(".tsv"))
                    .sorted()
                    .toList();
        }
        assertThat(files).as("suites in " + CASES).hasSizeGreaterThanOrEqualTo(19);
        Map<String, int[]> perSuite = new TreeMap<>();
        List<String> newFailures = new ArrayList<>();
        List<String> staleExceptions = new ArrayList<>();
        int total = 0;
        for (Path file : files) {
            for (Case test : read(file)) {
                total++;
                String actual = answer(test);
                boolean passed = actual.equals(test.ref());
                int[] counts = perSuite.computeIfAbsent(test.suite(), suite -> new int[2]);
                counts[0] += passed ? 1 : 0;
                counts[1]++;
                boolean known = KNOWN_EXCEPTIONS.containsKey(test.key());
                if (!passed && !known) {
                    newFailures.add(test.key() + " " + test.scheme().name().toLowerCase(Locale.ROOT) + " '" + test.a()
                            + "' " + test.expect() + " '" + test.b() + "': reference says " + test.ref()
                            + ", vigil says " + actual);
                } else if (passed && known) {
                    staleExceptions.add(test.key());
                }
            }
        }
        int passedAll = 0;
        for (Map.Entry<String, int[]> suite : perSuite.entrySet()) {
            int[] counts = suite.getValue();
            passedAll += counts[0];
            System.out.printf(
                    Locale.ROOT,
                    "peer conformance %-32s %5d/%5d  %6.2f%%%n",
                    suite.getKey(),
                    counts[0],
                    counts[1],
                    100.0 * counts[0] / counts[1]);
        }
        System.out.printf(
                Locale.ROOT,
                "peer conformance %-32s %5d/%5d  %6.2f%%%n",
                "ALL",
                passedAll,
                total,
                100.0 * passedAll / total);
        assertThat(total).isGreaterThan(35_000);
        assertThat(newFailures)
                .as(
                        "disagreements with the reference tools (fix them, or list them in KNOWN_EXCEPTIONS with the reason)")
                .isEmpty();
        assertThat(staleExceptions)
                .as("known exceptions that pass now: remove them from KNOWN_EXCEPTIONS")
                .isEmpty();
    }

    /** Vigil's verdict on a case, in the vocabulary of its {@code ref} column. */
    static String answer(Case test) {
        return switch (test.expect()) {
            case "valid", "invalid" -> accepts(test.scheme(), test.a()) ? "valid" : "invalid";
            case "sat", "unsat" -> satisfies(test.scheme(), test.a(), test.b());
            default -> {
                try {
                    yield symbol(test.scheme().compare(test.a(), test.b()));
                } catch (IllegalArgumentException refused) {
                    yield "error";
                }
            }
        };
    }

    /**
     * What each reference verdict measured: apk-tools' {@code apk_version_validate}; for dpkg and rpm, whether
     * {@code dpkg --compare-versions} (which only warns about bad characters) or rpm orders the version at all.
     */
    private static boolean accepts(VersionScheme scheme, String version) {
        if (scheme == VersionScheme.APK) {
            return scheme.isValid(version);
        }
        try {
            return scheme.compare(version, version) == 0;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    /** A Grype constraint: {@code ||} of {@code ,}-joined terms such as {@code >= 1.0}. */
    private static String satisfies(VersionScheme scheme, String version, String constraint) {
        for (String alternative : constraint.split("\\|\\|")) {
            boolean all = true;
            for (String term : alternative.split(",")) {
                Matcher matcher = TERM.matcher(term);
                if (!matcher.matches()) {
                    return "error";
                }
                String op = matcher.group(1) == null ? "=" : matcher.group(1);
                int order;
                try {
                    order = scheme.compare(version, matcher.group(2));
                } catch (IllegalArgumentException refused) {
                    return "error";
                }
                all &= switch (op) {
                    case "<" -> order < 0;
                    case "<=" -> order <= 0;
                    case ">" -> order > 0;
                    case ">=" -> order >= 0;
                    case "!=" -> order != 0;
                    default -> order == 0;
                };
            }
            if (all) {
                return "sat";
            }
        }
        return "unsat";
    }

    private static String symbol(int order) {
        return order < 0 ? "<" : order > 0 ? ">" : "=";
    }

    private static List<Case> read(Path file) throws IOException {
        String suite = file.getFileName().toString().replaceFirst("\\.tsv$", "");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.getFirst()).as(file + " header").startsWith("id\tscheme\ta\texpect\tb\tref\t");
        List<Case> cases = new ArrayList<>();
        for (int index = 1; index < lines.size(); index++) {
            if (lines.get(index).isEmpty()) {
                continue;
            }
            String[] fields = lines.get(index).split("\t", -1);
            assertThat(fields).as(file + ":" + (index + 1)).hasSize(9);
            cases.add(new Case(
                    suite,
                    unescape(fields[0]),
                    VersionScheme.forPurlType(fields[1]),
                    unescape(fields[2]),
                    fields[3],
                    unescape(fields[4]),
                    fields[5].isEmpty() ? fields[3] : fields[5]));
        }
        return cases;
    }

    /** Undoes the TSV escapes of SOURCE.md: {@code \\}, {@code \t}, {@code \n}. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char character = field.charAt(i);
            if (character == '\\' && i + 1 < field.length()) {
                char next = field.charAt(++i);
                out.append(
                        switch (next) {
                            case 't' -> '\t';
                            case 'n' -> '\n';
                            default -> next;
                        });
            } else {
                out.append(character);
            }
        }
        return out.toString();
    }
}
