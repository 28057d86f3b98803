package vigil.inventory.apk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import vigil.inventory.Fixtures;
import vigil.model.InstalledPackage;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;

class ApkCatalogerTest {
    private static final OperatingSystem ALPINE = new OperatingSystem(OsFamily.ALPINE, "3.19.1", "Alpine Linux v3.19");

    @Test
    void trivyDatabaseMatchesFieldByField() throws Exception {
        JsonNode expected = Fixtures.json("vulns/apk/expected-apk-trivy.json").path("trivy/apk");
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found = ApkCataloger.parse(
                Files.readString(Fixtures.path("vulns/apk/trivy/apk")), "trivy/apk", ALPINE, warnings);

        assertThat(found).hasSize(expected.path("expectedPackageCount").asInt());
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("missing version (V:) of invalidPackageWithoutAVersion");
        for (JsonNode want : expected.path("packages")) {
            InstalledPackage got = found.stream()
                    .filter(pkg -> pkg.name().equals(want.path("name").asString()))
                    .findFirst()
                    .orElseThrow();
            assertThat(got.evr()).isEqualTo(want.path("version").asString());
            assertThat(got.effectiveSourceName()).isEqualTo(want.path("srcName").asString());
            assertThat(got.arch()).isEqualTo(want.path("arch").asString());
            List<String> files = new ArrayList<>();
            want.path("installedFiles").forEach(file -> files.add("/" + file.asString()));
            assertThat(got.files()).as(got.name()).containsExactlyElementsOf(files);
            assertThat(got.purl())
                    .isEqualTo("pkg:apk/alpine/" + got.name() + "@" + got.evr() + "?arch=" + got.arch()
                            + "&distro=alpine-3.19.1");
        }
    }

    @Test
    void syftSinglePackage() throws Exception {
        JsonNode expected =
                Fixtures.json("vulns/apk/expected-apk-syft.json").path("files").path("single");
        List<InstalledPackage> found = ApkCataloger.parse(
                Files.readString(Fixtures.path("vulns/apk/syft/single")), "single", ALPINE, new ArrayList<>());
        assertThat(found).singleElement().satisfies(pkg -> {
            assertThat(pkg.name()).isEqualTo(expected.path("name").asString());
            assertThat(pkg.evr()).isEqualTo(expected.path("version").asString());
            assertThat(pkg.sourceName())
                    .isEqualTo(expected.path("metadata").path("originPackage").asString());
            assertThat(pkg.licenses()).containsExactly("MIT BSD GPL2+");
        });
    }

    @Test
    void corruptRecordsAreWarnings() throws Exception {
        List<String> warnings = new ArrayList<>();
        List<InstalledPackage> found = ApkCataloger.parse(
                Files.readString(Fixtures.path("vulns/apk/syft/corrupt/lib/apk/db/installed")),
                "corrupt",
                ALPINE,
                warnings);
        assertThat(found).extracting(InstalledPackage::name).containsExactly("alpine-baselayout-data");
        assertThat(found.getFirst().files()).contains("/etc/fstab", "/etc/passwd");
        assertThat(warnings)
                .first()
                .asString()
                .isEqualTo("corrupt line 1: 'this is a corrupt db' is not an 'X:value' line; skipped");
    }
}
