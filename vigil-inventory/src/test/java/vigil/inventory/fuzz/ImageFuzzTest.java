package vigil.inventory.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vigil.inventory.InventoryException;
import vigil.inventory.fs.FileTrees;
import vigil.inventory.image.ImageLimits;
import vigil.inventory.image.ImageOpener;
import vigil.inventory.image.ImageRootFs;
import vigil.inventory.image.TestImages;
import vigil.model.ProgressListener;

/**
 * Untrusted layers and OCI indexes: opening returns a root or throws {@link InventoryException} with a message, and
 * whatever the bytes, nothing outside the extraction root is read into it or written: a canary tree beside it keeps
 * its content, and the work directory holds nothing new once the root is closed.
 */
class ImageFuzzTest {
    private static final ImageLimits LIMITS = new ImageLimits(1 << 20, 64L << 20, 10_000, 1 << 20);

    private static Path canary(Path work) throws IOException {
        Path outside = Files.createDirectories(work.resolve("outside/var/lib/dpkg"));
        Files.writeString(outside.resolve("status"), "Package: canary\n");
        return outside;
    }

    private static void openAndCheck(Path work, Path image) throws IOException {
        Path outside = canary(work);
        List<String> before;
        try (var listing = Files.list(work)) {
            before = listing.map(path -> path.getFileName().toString()).sorted().toList();
        }
        try (ImageRootFs root = ImageOpener.open(image, path -> true, null, LIMITS, ProgressListener.NONE, work)) {
            for (String path : List.of("/var/lib/dpkg/status", "/etc/os-release", "/usr/lib/os-release")) {
                var file = root.file(path);
                if (file.isPresent()) {
                    assertThat(Files.readString(file.get(), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .doesNotContain("canary");
                }
            }
            assertThat(String.join("\n", root.warnings())).doesNotContain("Package: canary");
        } catch (InventoryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        assertThat(Files.readString(outside.resolve("status"))).isEqualTo("Package: canary\n");
        try (var listing = Files.list(work)) {
            assertThat(listing.map(path -> path.getFileName().toString())
                            .sorted()
                            .toList())
                    .as("nothing left or created beside the root")
                    .isEqualTo(before);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void layerApplication(byte[] layer) throws IOException {
        Path work = Files.createTempDirectory("vigil-fuzz-");
        try {
            Path image = TestImages.dockerArchive(
                    work.resolve("image.tar"),
                    "fuzz:1",
                    TestImages.layer(
                            TestImages.Compression.NONE,
                            TestImages.symlink(
                                    "hostvar", work.resolve("outside/var").toString()),
                            TestImages.symlink("up", "../../../../../../.."),
                            TestImages.dir("var/lib/dpkg")),
                    layer);
            openAndCheck(work, image);
        } finally {
            FileTrees.deleteTree(work);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void ociIndexes(byte[] index) throws IOException {
        Path work = Files.createTempDirectory("vigil-fuzz-");
        try {
            Path layout = TestImages.ociLayout(
                    work.resolve("layout"),
                    TestImages.layer(TestImages.Compression.GZIP, TestImages.file("etc/os-release", "ID=alpine\n")));
            Files.write(layout.resolve("index.json"), index);
            openAndCheck(work, layout);
        } finally {
            FileTrees.deleteTree(work);
        }
    }
}
