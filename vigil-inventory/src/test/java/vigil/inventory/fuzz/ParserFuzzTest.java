package vigil.inventory.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import vigil.inventory.InventoryException;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.inventory.fs.FileTrees;
import vigil.inventory.image.ImageLimits;
import vigil.inventory.image.ImageOpener;
import vigil.inventory.image.ImageRootFs;
import vigil.inventory.rpm.RpmCataloger;
import vigil.inventory.rpm.RpmHeader;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.ProgressListener;

/**
 * Untrusted inputs of the inventory: rpm header blobs and databases, image archives and layers, CycloneDX SBOMs.
 * Each parser returns a result or throws {@link InventoryException} with a message; anything else is a bug.
 */
class ParserFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void rpmHeaderBlobs(byte[] blob) {
        try {
            RpmHeader header = RpmHeader.parse(blob, "fuzz");
            header.string(1000);
            header.int32(1003);
            header.files();
        } catch (InventoryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void rpmDatabases(byte[] database) throws IOException {
        Path root = Files.createTempDirectory("vigil-fuzz-");
        try {
            Files.createDirectories(root.resolve("var/lib/rpm"));
            Files.write(root.resolve("var/lib/rpm/Packages"), database);
            new RpmCataloger().catalog(new DirectoryRootFs(root, "fuzz"), null, new ArrayList<>());
        } catch (InventoryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } finally {
            FileTrees.deleteTree(root);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void imageArchives(byte[] archive) throws IOException {
        Path work = Files.createTempDirectory("vigil-fuzz-");
        try {
            Path image = work.resolve("image.tar");
            Files.write(image, archive);
            ImageLimits limits = new ImageLimits(1 << 20, 64L << 20, 10_000, 1 << 20);
            try (ImageRootFs root = ImageOpener.open(image, path -> true, null, limits, ProgressListener.NONE, work)) {
                root.file("/etc/os-release");
            } catch (InventoryException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        } finally {
            FileTrees.deleteTree(work);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void cycloneDxDocuments(byte[] document) throws IOException {
        try {
            CycloneDx.read(new ByteArrayInputStream(document), "fuzz.json");
        } catch (InventoryException expected) {
            assertThat(expected.getMessage()).contains("fuzz.json");
        }
    }
}
