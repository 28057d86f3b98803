package vigil.inventory.dpkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import vigil.inventory.Fixtures;
import vigil.model.InstalledPackage;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;

class DpkgCatalogerTest {
    private static final OperatingSystem DEBIAN = new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12");

    private static String trivyEvr(JsonNode pkg, String prefix) {
        int epoch = pkg.path(prefix + (prefix.isEmpty() ? "epoch" : "Epoch")).asInt();
        String version =
                pkg.path(prefix.isEmpty() ? "version" : prefix + "Version").asString();
        String release =
                pkg.path(prefix.isEmpty() ? "release" : prefix + "Release").asString();
        return (epoch == 0 ? "" : epoch + ":") + version + (release.isEmpty() ? "" : "-" + release);
    }

    @Test
    void trivyCasesMatchFieldByField(@TempDir Path temp) throws Exception {
        JsonNode cases = Fixtures.json("vulns/dpkg/expected-dpkg-trivy.json").path("cases");
        int compared = 0;
        for (Map.Entry<String, JsonNode> entry : cases.properties()) {
            Path root = Fixtures.txtar("vulns/dpkg/trivy/" + entry.getKey(), temp.resolve(entry.getKey()));
            List<String> warnings = new ArrayList<>();
            List<InstalledPackage> found = new DpkgCataloger().catalog(Fixtures.root(root), DEBIAN, warnings);
            JsonNode expected = entry.getValue().path("packages");
            assertThat(found)
                    .as(entry.getKey())
                    .hasSize(entry.getValue().path("expectedPackageCount").asInt());
            List<InstalledPackage> sorted = new ArrayList<>(found);
            sorted.sort(Comparator.comparing(InstalledPackage::name).thenComparing(InstalledPackage::evr));
            for (int i = 0; i < expected.size(); i++) {
                JsonNode want = expected.get(i);
                InstalledPackage got = sorted.get(i);
                String where = entry.getKey() + " " + want.path("id").asString();
                assertThat(got.name()).as(where).isEqualTo(want.path("name").asString());
                assertThat(got.version())
                        .as(where)
                        .isEqualTo(want.path("version").asString());
                assertThat(got.release() == null ? "" : got.release())
                        .as(where)
                        .isEqualTo(want.path("release").asString());
                assertThat(got.epoch() == null ? 0 : got.epoch())
                        .as(where)
                        .isEqualTo(want.path("epoch").asInt());
                assertThat(got.arch()).as(where).isEqualTo(want.path("arch").asString());
                assertThat(got.effectiveSourceName())
                        .as(where)
                        .isEqualTo(want.path("srcName").asString());
                assertThat(got.effectiveSourceVersion()).as(where).isEqualTo(trivyEvr(want, "src"));
                assertThat(got.purl()).startsWith("pkg:deb/debian/").contains("distro=debian-12");
                compared++;
            }
        }
        assertThat(compared).isEqualTo(100);
    }

    @Test
    void claircoreStatusFiles(@TempDir Path temp) throws Exception {
        Fixtures.place("vulns/dpkg/claircore/texlive.status", temp.resolve("texlive"), DpkgCataloger.STATUS);
        Fixtures.place("vulns/dpkg/claircore/postgresql.status", temp.resolve("pg"), DpkgCataloger.STATUS);
        Fixtures.place("vulns/dpkg/claircore/vcpkg.status", temp.resolve("vcpkg"), DpkgCataloger.STATUS);
        List<String> warnings = new ArrayList<>();

        List<InstalledPackage> texlive =
                new DpkgCataloger().catalog(Fixtures.root(temp.resolve("texlive")), DEBIAN, warnings);
        assertThat(texlive).hasSizeGreaterThan(300);
        List<InstalledPackage> postgres =
                new DpkgCataloger().catalog(Fixtures.root(temp.resolve("pg")), DEBIAN, warnings);
        InstalledPackage client = postgres.stream()
                .filter(pkg -> pkg.name().equals("postgresql-client"))
                .findFirst()
                .orElseThrow();
        assertThat(client.effectiveSourceName()).isEqualTo("postgresql-common");
        assertThat(client.effectiveSourceVersion()).isEqualTo("200+deb10u5");

        List<String> vcpkgWarnings = new ArrayList<>();
        assertThat(new DpkgCataloger().catalog(Fixtures.root(temp.resolve("vcpkg")), DEBIAN, vcpkgWarnings))
                .as("a vcpkg database is not a dpkg one")
                .isEmpty();
    }

    @Test
    void distrolessStatusDirectory() throws Exception {
        Path root = Fixtures.path("vulns/dpkg/syft/image-distroless-deb");
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found = new DpkgCataloger().catalog(Fixtures.root(root), DEBIAN, warnings);
        assertThat(found).extracting(InstalledPackage::name).containsExactly("libsqlite3-0");
        assertThat(found.getFirst().effectiveSourceName()).isEqualTo("sqlite3");
    }

    @Test
    void syftStatusEntriesMatchTheirExpectations() throws Exception {
        JsonNode files = Fixtures.json("vulns/dpkg/expected-dpkg-syft.json").path("files");
        Path statusD = Fixtures.path("vulns/dpkg/syft/var/lib/dpkg/status.d");
        int compared = 0;
        for (Map.Entry<String, JsonNode> entry : files.properties()) {
            JsonNode expected = entry.getValue().path("expectedEntries");
            if (!expected.isArray() || !statusD.resolve(entry.getKey()).toFile().isFile()) {
                continue;
            }
            List<String> warnings = new ArrayList<>();
            String text = java.nio.file.Files.readString(statusD.resolve(entry.getKey()));
            List<DpkgStatusParser.Stanza> stanzas = DpkgStatusParser.parse(text, entry.getKey(), warnings);
            List<JsonNode> wanted = new ArrayList<>();
            expected.forEach(wanted::add);
            List<DpkgStatusParser.Stanza> installed = stanzas.stream()
                    .filter(stanza -> stanza.fields().containsKey("Package"))
                    .toList();
            assertThat(installed).as(entry.getKey()).hasSizeGreaterThanOrEqualTo(wanted.size());
            for (JsonNode want : wanted) {
                if (want.path("version").asString().isEmpty()) {
                    continue; // syft lists records without a version; Vigil warns and skips them (nothing to match)
                }
                assertThat(installed)
                        .as(entry.getKey() + " " + want.path("package").asString())
                        .anySatisfy(stanza -> {
                            assertThat(stanza.fields().get("Package"))
                                    .isEqualTo(want.path("package").asString());
                            assertThat(stanza.fields().get("Version"))
                                    .isEqualTo(want.path("version").asString());
                        });
                compared++;
            }
        }
        assertThat(compared).isPositive();
    }

    @Test
    void corruptLinesBecomeWarningsNamingFileAndLine() {
        List<String> warnings = new ArrayList<>();
        List<DpkgStatusParser.Stanza> stanzas = DpkgStatusParser.parse(
                "Package: a\nVersion: 1\nStatus: install ok installed\nthis is garbage\n\n continuation\n",
                "status",
                warnings);
        assertThat(stanzas).hasSize(1);
        assertThat(warnings)
                .containsExactly(
                        "status line 4: 'this is garbage' is not a 'Field: value' line; skipped",
                        "status line 6: continuation line without a field; skipped");
    }

    @Test
    void descriptionContinuationsAreSkippedButABlankLineStillEndsTheRecord() {
        List<String> warnings = new ArrayList<>();
        List<DpkgStatusParser.Stanza> stanzas = DpkgStatusParser.parse(
                "Package: a\nVersion: 1\nDescription: short\n a long text\n .\n \u00e9t\u00e9\n \t \n"
                        + "Package: b\nVersion: 2\nDepends: c,\n d\nDescription: x\n more\nHomepage: h\n",
                "status",
                warnings);
        // the whitespace-only line ends the first record as before; the text of a skipped description is never
        // kept, and a field after it is read again
        assertThat(stanzas).hasSize(2);
        assertThat(stanzas.get(0).fields())
                .containsExactly(
                        Map.entry("Package", "a"), Map.entry("Version", "1"), Map.entry("Description", "short"));
        assertThat(stanzas.get(1).fields())
                .containsEntry("Depends", "c,\nd")
                .containsEntry("Description", "x")
                .containsEntry("Homepage", "h");
        assertThat(warnings).isEmpty();
    }

    @Test
    void versionSplitRebuildsTheOriginal() {
        for (String version :
                List.of("1:2.3-4", "2.3", "2.3-4-5", "0.9~rc1-1+deb12u1", "5:20.10.7~3-0~debian-buster")) {
            DpkgCataloger.DebianVersion split = DpkgCataloger.DebianVersion.split(version);
            InstalledPackage pkg = new InstalledPackage(
                    vigil.model.PackageType.DEB,
                    "p",
                    split.epoch(),
                    split.upstream(),
                    split.revision(),
                    null,
                    null,
                    null,
                    List.of(),
                    List.of(),
                    "pkg:deb/debian/p");
            assertThat(pkg.evr()).isEqualTo(version);
        }
    }
}
