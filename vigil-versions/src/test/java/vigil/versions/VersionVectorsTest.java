package vigil.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ecosystems' own test vectors (fixtures/vulns/versions), every active line. */
class VersionVectorsTest {
    private static final Path VECTORS = Path.of(System.getProperty("vigil.fixtures"), "vulns", "versions");
    private static final Pattern RPMVERCMP = Pattern.compile("^RPMVERCMP\\(([^,]*), ([^,]*), (-?\\d)\\)$");
    private static final Pattern NEVRA =
            Pattern.compile("^.+?-((?:\\d+:)?[^-]+-[^-]+)\\.(noarch|x86_64|i686|aarch64|src)$");

    private static String symbol(int order) {
        return order < 0 ? "<" : order > 0 ? ">" : "=";
    }

    @Test
    void apkToolsVersionData() throws IOException {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String raw : Files.readAllLines(VECTORS.resolve("apk/version.data"))) {
            String line = raw.replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length == 1) {
                boolean expectValid = !fields[0].startsWith("!");
                String version = expectValid ? fields[0] : fields[0].substring(1);
                checked++;
                if (VersionScheme.APK.isValid(version) != expectValid) {
                    failures.add(line + " (validity)");
                }
                continue;
            }
            String op = fields[1];
            if (op.contains("~")) {
                continue; // fuzzy prefix matching is a dependency operator, not an order
            }
            checked++;
            String actual = symbol(VersionScheme.APK.compare(fields[0], fields[2]));
            if (!actual.equals(op)) {
                failures.add(line + " but got " + actual);
            }
        }
        assertThat(checked).isGreaterThan(750);
        assertThat(failures)
                .as("apk-tools version.data disagreements out of " + checked)
                .isEmpty();
    }

    @Test
    void rpmOwnVercmpTable() throws IOException {
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (String line : Files.readAllLines(VECTORS.resolve("rpm/rpmvercmp.at"))) {
            Matcher matcher = RPMVERCMP.matcher(line.strip());
            if (!matcher.matches()) {
                continue;
            }
            checked++;
            int expected = Integer.parseInt(matcher.group(3));
            int actual = Integer.signum(RpmVersion.rpmvercmp(matcher.group(1), matcher.group(2)));
            if (actual != expected) {
                failures.add(line + " but got " + actual);
            }
        }
        assertThat(checked).isEqualTo(91);
        assertThat(failures).isEmpty();
    }

    @Test
    void claircoreRpmVectors() throws IOException {
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (String file : new String[] {"rpmvercmp", "compare"}) {
            for (String raw : Files.readAllLines(VECTORS.resolve("rpm/claircore-rpmver/" + file))) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\\s+");
                String op = fields[1].equals("==") ? "=" : fields[1];
                if (file.equals("compare") && !sameNameAndArch(fields[0], fields[2])) {
                    continue; // orders NEVRA names and architectures, not versions
                }
                checked++;
                String actual = file.equals("rpmvercmp")
                        ? symbol(RpmVersion.rpmvercmp(fields[0], fields[2]))
                        : symbol(VersionScheme.RPM.compare(evr(fields[0]), evr(fields[2])));
                if (!actual.equals(op)) {
                    failures.add(file + ": " + line + " but got " + actual);
                }
            }
        }
        assertThat(checked).isEqualTo(119);
        assertThat(failures).isEmpty();
    }

    private static final Pattern NAMED =
            Pattern.compile("^(.+?)-(\\d.*?)(\\.(noarch|x86_64|i686|aarch64|riscv|src))?$");

    private static boolean sameNameAndArch(String left, String right) {
        Matcher a = NAMED.matcher(left);
        Matcher b = NAMED.matcher(right);
        String nameA = a.matches() && left.chars().filter(c -> c == '-').count() >= 2 ? a.group(1) : "";
        String nameB = b.matches() && right.chars().filter(c -> c == '-').count() >= 2 ? b.group(1) : "";
        String archA = a.matches() && a.group(4) != null ? a.group(4) : "";
        String archB = b.matches() && b.group(4) != null ? b.group(4) : "";
        return nameA.equals(nameB) && archA.equals(archB);
    }

    private static String evr(String nevraOrEvr) {
        Matcher matcher = NEVRA.matcher(nevraOrEvr);
        return matcher.matches() ? matcher.group(1) : nevraOrEvr;
    }

    @Test
    void debianOrderingBasics() {
        // Each version is older than the next (Debian Policy 5.6.12); the differential IT covers thousands more.
        List<String> ascending = List.of(
                "~~", "~~a", "~", "1.0~rc1", "1.0", "1.0-1", "1.0-1.1", "1.0a", "1.0+b1", "2.4", "2.30", "1:0.1");
        for (int i = 0; i + 1 < ascending.size(); i++) {
            String older = ascending.get(i);
            String newer = ascending.get(i + 1);
            assertThat(VersionScheme.DEB.compare(older, newer))
                    .as(older + " < " + newer)
                    .isNegative();
            assertThat(VersionScheme.DEB.compare(newer, older))
                    .as(newer + " > " + older)
                    .isPositive();
        }
        assertThat(VersionScheme.DEB.compare("0:1.0-1", "1.0-1")).isZero();
        assertThat(VersionScheme.DEB.compare("1.0-01", "1.0-1")).isZero();
    }
}
