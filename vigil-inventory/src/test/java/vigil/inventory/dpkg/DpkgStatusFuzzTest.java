package vigil.inventory.dpkg;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vigil.inventory.apk.ApkCataloger;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.fs.FileTrees;

/** Arbitrary bytes as a dpkg status file or an apk installed database: records or warnings, nothing else. */
class DpkgStatusFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void statusFilesNeverThrow(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<String> warnings = new ArrayList<>();
        List<DpkgStatusParser.Stanza> stanzas = DpkgStatusParser.parse(text, "fuzz", warnings);
        for (DpkgStatusParser.Stanza stanza : stanzas) {
            assertThat(stanza.fields()).isNotEmpty();
            String version = stanza.fields().get("Version");
            if (version != null) {
                DpkgCataloger.DebianVersion split = DpkgCataloger.DebianVersion.split(version);
                assertThat(split.upstream()).isNotNull();
            }
        }
        warnings.forEach(warning -> assertThat(warning).startsWith("fuzz line "));
    }

    @FuzzTest(maxDuration = "10s")
    void apkDatabasesNeverThrow(byte[] input) {
        List<String> warnings = new ArrayList<>();
        ApkCataloger.parse(new String(input, StandardCharsets.UTF_8), "fuzz", null, warnings)
                .forEach(pkg -> assertThat(pkg.name()).isNotEmpty());
    }

    /** The bytes as a distroless {@code status.d} entry and as the file list it names, read from a root. */
    @FuzzTest(maxDuration = "10s")
    void statusDirectoriesNeverThrow(byte[] input) throws IOException {
        Path root = Files.createTempDirectory("vigil-fuzz-");
        try {
            Path dpkg = Files.createDirectories(root.resolve("var/lib/dpkg"));
            Files.createDirectories(dpkg.resolve("status.d"));
            Files.createDirectories(dpkg.resolve("info"));
            Files.write(dpkg.resolve("status.d/entry"), input);
            Files.write(dpkg.resolve("info/fuzz.list"), input);
            List<String> warnings = new ArrayList<>();
            new DpkgCataloger()
                    .catalog(new DirectoryRootFs(root, "fuzz"), null, warnings)
                    .forEach(pkg -> assertThat(pkg.name()).isNotEmpty());
            warnings.forEach(warning -> assertThat(warning).contains("/var/lib/dpkg/"));
        } finally {
            FileTrees.deleteTree(root);
        }
    }
}
