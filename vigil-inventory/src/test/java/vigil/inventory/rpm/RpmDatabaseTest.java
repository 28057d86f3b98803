package vigil.inventory.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import vigil.inventory.Fixtures;
import vigil.inventory.InventoryException;
import vigil.model.InstalledPackage;

/** The three rpm database formats against the fixtures' expected package lists, field by field. */
class RpmDatabaseTest {
    @TempDir
    Path temp;

    private List<InstalledPackage> catalog(String fixture, String inRoot, List<String> warnings) throws Exception {
        Path root = temp.resolve("root");
        Fixtures.place("vulns/rpmdb/" + fixture, root, inRoot);
        return new RpmCataloger().catalog(Fixtures.root(root), null, warnings);
    }

    private static void assertSame(InstalledPackage got, JsonNode want) {
        String where = want.path("name").asString();
        assertThat(got.name()).as(where).isEqualTo(want.path("name").asString());
        assertThat(got.version()).as(where).isEqualTo(want.path("version").asString());
        assertThat(got.release()).as(where).isEqualTo(want.path("release").asString());
        assertThat(got.arch()).as(where).isEqualTo(want.path("arch").asString());
        if (want.path("epoch").isNull() || want.path("epoch").isMissingNode()) {
            assertThat(got.epoch()).as(where + " epoch").isNull();
        } else {
            assertThat(got.epoch())
                    .as(where + " epoch")
                    .isEqualTo(want.path("epoch").asInt());
        }
        String sourceRpm = want.path("sourceRpm").asString("");
        if (!sourceRpm.isEmpty()) {
            String version =
                    got.sourceVersion() == null ? "" : got.sourceVersion().replaceFirst("^\\d+:", "");
            assertThat(got.sourceName() + "-" + version + ".src.rpm").as(where).isEqualTo(sourceRpm);
        }
    }

    @Test
    void berkeleyDb() throws Exception {
        JsonNode expected = Fixtures.json("vulns/rpmdb/expected-libuuid.json");
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found = catalog("libuuid/Packages", "/var/lib/rpm/Packages", warnings);
        assertThat(found).hasSize(expected.path("packageCount").asInt());
        JsonNode want = expected.path("packages").get(0);
        assertSame(found.getFirst(), want);
        assertThat(found.getFirst().licenses())
                .containsExactly(want.path("license").asString());
        List<String> files = new ArrayList<>();
        want.path("installedFileNames").forEach(file -> files.add(file.asString()));
        if (!files.isEmpty()) {
            assertThat(found.getFirst().files()).containsExactlyElementsOf(files);
        }
        assertThat(found.getFirst().purl()).isEqualTo("pkg:rpm/rpm/libuuid@2.32.1-42.el8_8?arch=x86_64");
        assertThat(warnings).isEmpty();
    }

    @Test
    void ndb() throws Exception {
        JsonNode expected = Fixtures.json("vulns/rpmdb/expected-sle15-bci.json");
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found = catalog("sle15-bci/Packages.db", "/usr/lib/sysimage/rpm/Packages.db", warnings);
        assertThat(found).hasSize(35);
        for (int i = 0; i < 35; i++) {
            assertSame(found.get(i), expected.path("packages").get(i));
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void sqliteInWalMode() throws Exception {
        JsonNode expected = Fixtures.json("vulns/rpmdb/expected-cbl-mariner-2.0.json");
        List<String> warnings = new ArrayList<>();
        Path original = Fixtures.path("vulns/rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
        byte[] before = Files.readAllBytes(original);
        List<InstalledPackage> found = catalog("cbl-mariner-2.0/rpmdb.sqlite", "/var/lib/rpm/rpmdb.sqlite", warnings);
        JsonNode inventory = expected.path("fullInventory");
        assertThat(found).hasSize(inventory.size()).hasSize(129);
        for (int i = 0; i < inventory.size(); i++) {
            assertSame(found.get(i), inventory.get(i));
        }
        assertThat(found.stream()
                        .filter(pkg -> pkg.epoch() != null && pkg.epoch() == 1)
                        .map(InstalledPackage::name))
                .containsExactlyInAnyOrder("ca-certificates-tools", "ca-certificates-shared", "ca-certificates-base");
        InstalledPackage curl = found.stream()
                .filter(pkg -> pkg.name().equals("curl"))
                .findFirst()
                .orElseThrow();
        assertThat(curl.files()).isNotEmpty();
        assertThat(warnings).isEmpty();
        assertThat(Files.readAllBytes(original))
                .as("the scanned database is never written")
                .isEqualTo(before);
        assertThat(Files.exists(temp.resolve("root/var/lib/rpm/rpmdb.sqlite-wal")))
                .isFalse();
    }

    @Test
    void inconsistentBlobGivesNevraButNoFileList() throws Exception {
        JsonNode expected = Fixtures.json("vulns/rpmdb/expected-blob.json").path("expectedNevra");
        byte[] blob = Files.readAllBytes(Fixtures.path("vulns/rpmdb/blob.bin"));
        List<String> warnings = new ArrayList<>();
        InstalledPackage pkg = RpmCataloger.toPackage(RpmHeader.parse(blob, "blob.bin"), "blob.bin", null, warnings);
        assertThat(pkg).isNotNull();
        assertSame(pkg, expected);
        assertThat(pkg.files()).isEmpty();
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("file list unreadable")
                .contains("directory index");
    }

    @Test
    void malformedHeadersNameTheProblem() {
        assertThatThrownBy(() -> RpmHeader.parse(new byte[] {0, 0, 0, 1}, "x")).hasMessageContaining("too short");
        assertThatThrownBy(() -> RpmHeader.parse(new byte[] {0x7f, 0, 0, 0, 0, 0, 0, 0}, "x"))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("index entries");
        assertThatThrownBy(() -> RpmHeader.parse(new byte[] {0, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0, 0}, "x"))
                .hasMessageContaining("needs");
    }

    @Test
    void notAnRpmDatabaseIsNamed() throws Exception {
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("var/lib/rpm"));
        Files.writeString(root.resolve("var/lib/rpm/Packages"), "definitely not a database, just text of some length");
        assertThatThrownBy(() -> new RpmCataloger().catalog(Fixtures.root(root), null, new ArrayList<>()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("/var/lib/rpm/Packages")
                .hasMessageContaining("not an rpm database");
    }
}
