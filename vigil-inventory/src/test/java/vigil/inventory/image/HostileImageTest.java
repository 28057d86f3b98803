package vigil.inventory.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vigil.inventory.image.TestImages.device;
import static vigil.inventory.image.TestImages.file;
import static vigil.inventory.image.TestImages.hardLink;
import static vigil.inventory.image.TestImages.layer;
import static vigil.inventory.image.TestImages.symlink;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.InventoryException;
import vigil.inventory.image.TestImages.Compression;
import vigil.model.ProgressListener;

/** Images built to escape or exhaust: every one is refused or contained, and nothing lands outside the root. */
class HostileImageTest {
    @TempDir
    Path temp;

    private Path outside;
    private Path work;

    @BeforeEach
    void layout() throws Exception {
        outside = Files.createDirectories(temp.resolve("outside"));
        work = Files.createDirectories(temp.resolve("work"));
    }

    private ImageRootFs open(Path image, ImageLimits limits) throws Exception {
        return ImageOpener.open(image, path -> true, null, limits, ProgressListener.NONE, work);
    }

    private Path image(byte[]... layers) throws Exception {
        return TestImages.dockerArchive(temp.resolve("hostile.tar"), "hostile:1", layers);
    }

    private void assertNothingOutside() throws Exception {
        try (var files = Files.list(outside)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("files written outside the image root")
                    .allMatch(name -> name.equals("shadow") || name.equals("secret"));
        }
        if (Files.exists(outside.resolve("shadow"))) {
            assertThat(Files.readString(outside.resolve("shadow"))).isEqualTo("secret");
        }
        assertThat(Files.exists(temp.resolve("evil"))).isFalse();
    }

    @Test
    void dotDotEntriesAreRefused() throws Exception {
        try (ImageRootFs root = open(
                image(layer(
                        Compression.NONE,
                        file("../../outside/evil", "x"),
                        file("ok/../../../outside/evil2", "x"),
                        file("fine", "y"))),
                ImageLimits.defaults())) {
            assertThat(root.warnings())
                    .anySatisfy(
                            w -> assertThat(w).contains("../../outside/evil").contains("would leave"));
            assertThat(root.file("/fine")).isPresent();
        }
        assertNothingOutside();
    }

    @Test
    void absoluteEntriesStayInsideTheRoot() throws Exception {
        try (ImageRootFs root =
                open(image(layer(Compression.NONE, file("/etc/absolute", "x"))), ImageLimits.defaults())) {
            assertThat(root.file("/etc/absolute")).isPresent();
        }
        assertNothingOutside();
    }

    @Test
    void writesThroughSymlinksToOutsideStayInside() throws Exception {
        String escape = outside.toAbsolutePath().toString();
        try (ImageRootFs root = open(
                image(layer(
                        Compression.NONE,
                        symlink("etc", escape),
                        file("etc/passwd", "pwned"),
                        symlink("rel", "../../../../../../" + escape),
                        file("rel/x", "pwned"))),
                ImageLimits.defaults())) {
            assertThat(root.file("/etc/passwd"))
                    .as("written inside, under the link's confined target")
                    .isPresent();
        }
        assertNothingOutside();
    }

    @Test
    void readsThroughSymlinksToOutsideStayInside() throws Exception {
        Files.writeString(outside.resolve("secret"), "secret");
        try (ImageRootFs root = open(
                image(layer(
                        Compression.NONE,
                        symlink("etc/os-release", outside.resolve("secret").toString()),
                        symlink("up", "../../../../../../../../"))),
                ImageLimits.defaults())) {
            assertThat(root.file("/etc/os-release")).isEmpty();
            assertThat(root.file("/up/" + outside.resolve("secret"))).isEmpty();
        }
    }

    @Test
    void hardLinksOutsideAreRefused() throws Exception {
        Files.writeString(outside.resolve("shadow"), "secret");
        try (ImageRootFs root = open(
                image(layer(
                        Compression.NONE,
                        hardLink("etc/shadow", "../../outside/shadow"),
                        hardLink("etc/abs", outside.resolve("shadow").toString()),
                        file("etc/real", "ok"),
                        hardLink("etc/copy", "etc/real"))),
                ImageLimits.defaults())) {
            assertThat(root.warnings())
                    .anySatisfy(w -> assertThat(w).contains("etc/shadow").contains("outside"));
            assertThat(root.file("/etc/shadow")).isEmpty();
            assertThat(root.file("/etc/abs")).isEmpty();
            assertThat(Files.readString(root.file("/etc/copy").orElseThrow())).isEqualTo("ok");
        }
        assertNothingOutside();
    }

    @Test
    void deviceFilesAreSkipped() throws Exception {
        try (ImageRootFs root =
                open(image(layer(Compression.NONE, device("dev/sda"), file("a", "b"))), ImageLimits.defaults())) {
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("1 device, fifo or other special"));
            assertThat(root.file("/dev/sda")).isEmpty();
        }
    }

    @Test
    void oversizedEntriesAreSkipped() throws Exception {
        ImageLimits limits = new ImageLimits(10, 1L << 30, 1000, 1 << 20);
        try (ImageRootFs root =
                open(image(layer(Compression.NONE, file("big", "0123456789ABCDEF"), file("small", "0"))), limits)) {
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("/big is 16 bytes"));
            assertThat(root.file("/big")).isEmpty();
            assertThat(root.file("/small")).isPresent();
        }
    }

    @Test
    void damagedCompressionHeadersNameTheLayer() throws Exception {
        byte[] badGzip = {0x1f, (byte) 0x8b, 0x08, (byte) 0xff, 0, 0, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
        assertThatThrownBy(() -> open(image(badGzip), ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("gzip header is damaged")
                .hasMessageContaining("layer");
        byte[] badZstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', '!'};
        assertThatThrownBy(() -> open(image(badZstd), ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("not a readable tar stream");
        byte[] truncatedGzip =
                java.util.Arrays.copyOf(layer(Compression.GZIP, file("etc/os-release", "ID=debian\n")), 30);
        assertThatThrownBy(() -> open(image(truncatedGzip), ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("layer");
    }

    @Test
    void tarBombsAreRefused() throws Exception {
        Path image = image(layer(Compression.NONE, file("a", "1"), file("b", "2"), file("c", "3"), file("d", "4")));
        assertThatThrownBy(() -> open(image, new ImageLimits(1 << 20, 1L << 30, 3, 1 << 20)))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("more than 3 entries");
        try (var left = Files.list(work)) {
            assertThat(left.filter(path ->
                            path.getFileName().toString().startsWith("vigil-image-") && Files.isDirectory(path)))
                    .as("the temporary root is removed after a refusal")
                    .isEmpty();
        }
    }

    @Test
    void decompressionBombsAreRefused() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            TarArchiveEntry entry = new TarArchiveEntry("zeros");
            entry.setSize(64L << 20);
            tar.putArchiveEntry(entry);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
        }
        assertThat(bytes.size()).isLessThan(1 << 20);
        Path image = image(bytes.toByteArray());
        assertThatThrownBy(() -> open(image, new ImageLimits(1L << 30, 16L << 20, 1000, 1 << 20)))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("decompression bomb");
    }

    @Test
    void hugeOrMalformedManifestsAreRefused() throws Exception {
        Path image = image(layer(Compression.NONE, file("a", "1")));
        assertThatThrownBy(() -> open(image, new ImageLimits(1 << 20, 1L << 30, 1000, 10)))
                .hasMessageContaining("manifest.json is larger than 10 bytes");
        Path malformed = temp.resolve("malformed.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(malformed))) {
            byte[] manifest = "[{\"Config\": ".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("manifest.json");
            entry.setSize(manifest.length);
            tar.putArchiveEntry(entry);
            tar.write(manifest);
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> open(malformed, ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("manifest.json is not valid JSON");
    }

    @Test
    void missingLayersAndTraversingDigestsAreRefused() throws Exception {
        Path layout = TestImages.ociLayout(temp.resolve("layout"), layer(Compression.GZIP, file("a", "1")));
        Path manifestBlob;
        try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
            manifestBlob = blobs.filter(path -> {
                        try {
                            return Files.readString(path).contains("\"layers\"");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    })
                    .findFirst()
                    .orElseThrow();
        }
        String manifest = Files.readString(manifestBlob);
        String layerDigest = manifest.replaceAll(".*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[a-f0-9]+)\".*", "$1");
        Files.delete(layout.resolve("blobs/sha256/" + layerDigest.substring(7)));
        assertThatThrownBy(() -> open(layout, ImageLimits.defaults())).hasMessageContaining("blob is missing");

        Files.writeString(
                layout.resolve("index.json"),
                "{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:../../../etc/passwd\"}]}");
        assertThatThrownBy(() -> open(layout, ImageLimits.defaults()))
                .hasMessageContaining("is not a valid blob digest");
    }

    @Test
    void tamperedBlobsFailTheirDigest() throws Exception {
        byte[] original = layer(Compression.GZIP, file("a", "1"));
        Path layout = TestImages.ociLayout(temp.resolve("layout"), original);
        Path blob = layout.resolve("blobs/sha256/" + TestImages.sha256(original));
        Files.write(blob, layer(Compression.GZIP, file("a", "2")));
        assertThatThrownBy(() -> open(layout, ImageLimits.defaults()))
                .hasMessageContaining("does not match its digest");
    }
}
