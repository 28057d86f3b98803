package vigil.inventory.dpkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.model.InstalledPackage;

/** This machine's own dpkg database against {@code dpkg-query}: the same packages, versions and files. */
class HostDpkgIT {
    private static List<String> run(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return output.lines().toList();
    }

    private static void requireDpkg() {
        boolean present = Files.isRegularFile(Path.of("/var/lib/dpkg/status"))
                && Files.isExecutable(Path.of("/usr/bin/dpkg-query"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI runs on Debian: /var/lib/dpkg/status and dpkg-query must exist");
        }
        assumeTrue(present, "not a dpkg-based machine");
    }

    @Test
    void packagesAndVersionsEqualDpkgQuery() throws Exception {
        requireDpkg();
        Set<String> expected =
                run("dpkg-query", "-W", "-f", "${db:Status-Status} ${Package}:${Architecture} ${Version}\\n").stream()
                        .filter(line -> line.startsWith("installed "))
                        .map(line -> line.substring("installed ".length()))
                        .collect(Collectors.toCollection(TreeSet::new));
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found =
                new DpkgCataloger().catalog(new DirectoryRootFs(Path.of("/"), "host /"), null, warnings);
        Set<String> actual = found.stream()
                .map(pkg -> pkg.name() + ":" + pkg.arch() + " " + pkg.evr())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(actual).isEqualTo(expected);
        assertThat(found).hasSameSizeAs(expected);
        assertThat(warnings).isEmpty();
    }

    @Test
    void ownedFilesEqualDpkgListFiles() throws Exception {
        requireDpkg();
        List<InstalledPackage> found =
                new DpkgCataloger().catalog(new DirectoryRootFs(Path.of("/"), "host /"), null, new ArrayList<>());
        for (String name : List.of("dpkg", "coreutils", "bash")) {
            InstalledPackage pkg = found.stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .orElseThrow();
            List<String> listed = run("dpkg", "-L", name).stream()
                    .filter(line -> !line.equals("/."))
                    .toList();
            assertThat(pkg.files()).as(name).containsExactlyInAnyOrderElementsOf(listed);
        }
    }

    /** Without file lists (a vulnerability report) the packages are the same, each with no files. */
    @Test
    void withoutFileListsThePackagesAreTheSame() throws Exception {
        requireDpkg();
        DirectoryRootFs host = new DirectoryRootFs(Path.of("/"), "host /");
        List<InstalledPackage> with = new DpkgCataloger(true).catalog(host, null, new ArrayList<>());
        List<InstalledPackage> without = new DpkgCataloger(false).catalog(host, null, new ArrayList<>());
        assertThat(with.stream().filter(pkg -> !pkg.files().isEmpty()).count()).isGreaterThan(with.size() / 2);
        assertThat(without).allSatisfy(pkg -> assertThat(pkg.files()).isEmpty());
        assertThat(without)
                .isEqualTo(with.stream()
                        .map(pkg -> new InstalledPackage(
                                pkg.type(),
                                pkg.name(),
                                pkg.epoch(),
                                pkg.version(),
                                pkg.release(),
                                pkg.arch(),
                                pkg.sourceName(),
                                pkg.sourceVersion(),
                                pkg.licenses(),
                                List.of(),
                                pkg.purl()))
                        .toList());
    }
}
