package vigil.inventory.rpm;

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
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.model.InstalledPackage;

/**
 * Packages built with the real {@code rpmbuild}, installed by the real {@code rpm} into a SQLite database (Debian's
 * rpm writes SQLite only), read by Vigil and compared with {@code rpm -qa} and {@code rpm -ql}.
 */
class RpmDatabaseIT {
    @TempDir
    Path temp;

    private static String run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(false)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + "\n" + errors)
                .isZero();
        return output;
    }

    private static String spec(
            String name, String epoch, String version, String release, String extra, String... files) {
        StringBuilder install = new StringBuilder("mkdir -p");
        StringBuilder list = new StringBuilder();
        for (String file : files) {
            install.append(" %{buildroot}").append(file, 0, file.lastIndexOf('/'));
        }
        install.append('\n');
        for (String file : files) {
            install.append("echo x > %{buildroot}").append(file).append('\n');
            list.append(file).append('\n');
        }
        return "Name: " + name + "\n" + (epoch.isEmpty() ? "" : "Epoch: " + epoch + "\n") + "Version: " + version
                + "\nRelease: " + release
                + "\nSummary: test\nLicense: MIT and BSD\nBuildArch: noarch\n%description\ntest\n"
                + extra + "%install\n" + install + "%files\n" + list;
    }

    @Test
    void readsWhatRpmInstalled() throws Exception {
        boolean present =
                Files.isExecutable(Path.of("/usr/bin/rpmbuild")) && Files.isExecutable(Path.of("/usr/bin/rpm"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must install the Debian package rpm (rpm, rpmbuild)");
        }
        assumeTrue(present, "rpm and rpmbuild are not installed");
        Path specs = Files.createDirectories(temp.resolve("SPECS"));
        Files.writeString(
                specs.resolve("alpha.spec"),
                spec(
                        "vigil-alpha",
                        "2",
                        "1.2.3~rc1",
                        "4.el9",
                        "",
                        "/usr/share/alpha/one",
                        "/usr/share/alpha/two",
                        "/etc/alpha.conf"));
        Files.writeString(
                specs.resolve("beta.spec"),
                spec("vigil-beta", "", "2.0^20240101git", "1", """
                %package libs
                Summary: libs
                %description libs
                libs
                %files libs
                /usr/lib/beta/libbeta.so
                """, "/usr/bin/beta", "/usr/lib/beta/libbeta.so")
                        .replace("%files\n/usr/bin/beta\n/usr/lib/beta/libbeta.so\n", "%files\n/usr/bin/beta\n"));
        Files.writeString(
                specs.resolve("gamma.spec"), spec("vigil-gamma", "0", "10.0.1", "0.1.fc40", "", "/opt/gamma/data"));
        Files.writeString(specs.resolve("delta.spec"), spec("vigil-delta", "", "1", "1", "", "/var/delta"));
        for (String spec : List.of("alpha", "beta", "gamma", "delta")) {
            run(temp, "rpmbuild", "--define", "_topdir " + temp, "-bb", "SPECS/" + spec + ".spec");
        }
        List<String> rpms;
        try (var walk = Files.walk(temp.resolve("RPMS"))) {
            rpms = walk.filter(path -> path.toString().endsWith(".rpm"))
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        assertThat(rpms).hasSize(5);
        Path root = Files.createDirectories(temp.resolve("root"));
        run(temp, "rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--initdb");
        List<String> install = new ArrayList<>(List.of(
                "rpm",
                "--root",
                root.toString(),
                "--dbpath",
                "/var/lib/rpm",
                "-i",
                "--justdb",
                "--nodeps",
                "--noscripts",
                "--nosignature",
                "--ignorearch"));
        install.addAll(rpms);
        run(temp, install.toArray(String[]::new));
        assertThat(root.resolve("var/lib/rpm/rpmdb.sqlite")).exists();

        Set<String> expected = run(
                        temp,
                        "rpm",
                        "--root",
                        root.toString(),
                        "--dbpath",
                        "/var/lib/rpm",
                        "-qa",
                        "--queryformat",
                        "%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}\\n")
                .lines()
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found =
                new RpmCataloger().catalog(new DirectoryRootFs(root, "rpm test root"), null, warnings);
        Set<String> actual = found.stream()
                .map(pkg ->
                        pkg.name() + "|" + (pkg.epoch() == null ? "(none)" : pkg.epoch()) + "|" + pkg.version() + "|"
                                + pkg.release() + "|" + pkg.arch() + "|" + pkg.sourceName() + "-"
                                + String.valueOf(pkg.sourceVersion()).replaceFirst("^\\d+:", "") + ".src.rpm")
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected).hasSize(5);
        assertThat(actual).isEqualTo(expected);
        assertThat(warnings).isEmpty();
        for (InstalledPackage pkg : found) {
            List<String> files = run(
                            temp, "rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-ql", pkg.name())
                    .lines()
                    .toList();
            assertThat(pkg.files()).as(pkg.name()).containsExactlyInAnyOrderElementsOf(files);
        }
        assertThat(found.stream()
                        .filter(pkg -> pkg.name().equals("vigil-beta-libs"))
                        .findFirst()
                        .orElseThrow()
                        .sourceName())
                .isEqualTo("vigil-beta");
    }
}
