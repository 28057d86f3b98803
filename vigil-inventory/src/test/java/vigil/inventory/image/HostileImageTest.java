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

    /** A host tree outside the image root, as a scanning machine's /var and a data directory with a password. */
    private Path hostTree() throws Exception {
        Path host = Files.createDirectories(temp.resolve("host"));
        Path dpkg = Files.createDirectories(host.resolve("var/lib/dpkg"));
        Files.writeString(
                dpkg.resolve("status"),
                "Package: host-canary\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n");
        Path data = Files.createDirectories(host.resolve("data"));
        Files.writeString(data.resolve("admin-password"), "canary-password-hunter2\n");
        Files.writeString(host.resolve("etc-os-release"), "ID=canary-host\nVERSION_ID=1\n");
        return host;
    }

    /** Every path under {@code directory} with its content (files) or target (links), to compare before and after. */
    private static java.util.Map<String, String> snapshot(Path directory) throws Exception {
        java.util.Map<String, String> result = new java.util.TreeMap<>();
        try (var walk = Files.walk(directory)) {
            for (Path path : walk.toList()) {
                String value = Files.isSymbolicLink(path)
                        ? "-> " + Files.readSymbolicLink(path)
                        : Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                                ? Files.readString(path)
                                : "dir";
                result.put(directory.relativize(path).toString(), value);
            }
        }
        return result;
    }

    /** No file in the extraction root holds any of the host's canary contents. */
    private static void assertNoCanaryInside(Path root) throws Exception {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .toList()) {
                assertThat(Files.readString(path))
                        .as("content of " + root.relativize(path))
                        .doesNotContain("canary");
            }
        }
    }

    @Test
    void hardLinksThroughSymlinksNeverReadTheHost() throws Exception {
        Path host = hostTree();
        java.util.Map<String, String> before = snapshot(host);
        String absoluteVar = host.resolve("var").toAbsolutePath().toString();
        String relativeData = "../".repeat(30)
                + host.resolve("data").toAbsolutePath().toString().substring(1);
        Path image = image(layer(
                Compression.NONE,
                symlink("hostvar", absoluteVar),
                symlink("hostdata", relativeData),
                symlink("usr/up", "../../../../../../../../../.."),
                hardLink("var/lib/dpkg/status", "hostvar/lib/dpkg/status"),
                hardLink("etc/os-release", "hostdata/admin-password"),
                hardLink("etc/passwd", "usr/up" + host.resolve("etc-os-release").toAbsolutePath()),
                file("usr/lib/os-release", "ID=debian\nVERSION_ID=12\n")));
        Path extracted;
        try (ImageRootFs root = open(image, ImageLimits.defaults())) {
            extracted = root.file("/usr/lib/os-release")
                    .orElseThrow()
                    .getParent()
                    .getParent()
                    .getParent();
            assertThat(root.file("/var/lib/dpkg/status")).isEmpty();
            assertThat(root.file("/etc/os-release")).isEmpty();
            assertThat(root.file("/etc/passwd")).isEmpty();
            assertThat(String.join("\n", root.warnings())).doesNotContain("canary");
            assertNoCanaryInside(extracted);
            var inventory = new vigil.inventory.InventoryScanner(
                            vigil.inventory.os.OsDetector::detect,
                            java.util.List.of(new vigil.inventory.dpkg.DpkgCataloger()),
                            java.time.Clock.systemUTC())
                    .scan(
                            root,
                            new vigil.model.Target(vigil.model.Target.Kind.IMAGE, "hostile", null),
                            ProgressListener.NONE);
            assertThat(inventory.packages()).isEmpty();
            assertThat(inventory.toString()).doesNotContain("canary");
        }
        assertThat(snapshot(host)).as("the host tree is untouched").isEqualTo(before);
        assertNothingOutside();
    }

    @Test
    void whiteoutsOfDotAndDotDotDeleteNothing() throws Exception {
        Files.writeString(work.resolve("canary"), "keep me");
        Path image = image(
                layer(Compression.NONE, file("a/keep", "1"), file("top", "2")),
                layer(
                        Compression.NONE,
                        file(".wh...", ""),
                        file("a/.wh...", ""),
                        file("a/.wh..", ""),
                        file(".wh.", "")));
        try (ImageRootFs root = open(image, ImageLimits.defaults())) {
            assertThat(root.file("/a/keep")).isPresent();
            assertThat(root.file("/top")).isPresent();
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("names no entry"));
        }
        assertThat(Files.readString(work.resolve("canary"))).isEqualTo("keep me");
    }

    @Test
    void hardLinksToLinksAreLinksAndToDirectoriesAreRefused() throws Exception {
        Path image = image(layer(
                Compression.NONE,
                file("etc/real", "content"),
                symlink("etc/link", "real"),
                hardLink("etc/hard-to-link", "etc/link"),
                hardLink("etc/hard-to-dir", "etc"),
                symlink("etc/loop-a", "loop-b"),
                symlink("etc/loop-b", "loop-a"),
                file("etc/loop-a/x", "unreachable")));
        try (ImageRootFs root = open(image, ImageLimits.defaults())) {
            assertThat(Files.readString(root.file("/etc/hard-to-link").orElseThrow()))
                    .isEqualTo("content");
            assertThat(root.file("/etc/hard-to-dir")).isEmpty();
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("does not name a regular file"));
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("no directory for /etc/loop-a/x"));
        }
        assertNothingOutside();
    }

    @Test
    void aFileReplacingADirectoryWithALinkRemovesOnlyInsideTheRoot() throws Exception {
        Files.writeString(outside.resolve("secret"), "secret");
        Path image = image(
                layer(Compression.NONE, file("etc/inner", "x"), symlink("etc/out", outside.toString())),
                layer(Compression.NONE, file("etc", "now a file"), file(".wh.missing", "")));
        try (ImageRootFs root = open(image, ImageLimits.defaults())) {
            assertThat(Files.readString(root.file("/etc").orElseThrow())).isEqualTo("now a file");
        }
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("secret");
        assertNothingOutside();
    }

    @Test
    void oddNamesAreKeptOrSkippedWithAOneLineWarning() throws Exception {
        String longName = "d/" + "x".repeat(5000);
        String longComponent = "e/" + "y".repeat(300);
        Path image = image(layer(
                Compression.NONE,
                file("etc/new\nline", "ok"),
                file(longName, "long"),
                file(longComponent, "long"),
                file("etc/os-release", "ID=alpine\n")));
        try (ImageRootFs root = open(image, ImageLimits.defaults())) {
            assertThat(root.file("/etc/new\nline")).isPresent();
            assertThat(root.file("/etc/os-release")).isPresent();
            assertThat(root.warnings()).allSatisfy(w -> assertThat(w).doesNotContain("\n"));
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("more than 4096 characters"));
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("longer than 255 bytes"));
        }
    }

    @Test
    void hugeExtendedHeadersAreRefusedBeforeTheyAreBuffered() throws Exception {
        // A pax record "path=aaa...": 32 MiB of name that commons-compress would buffer whole.
        int length = 32 << 20;
        String record =
                length + " path=" + "a".repeat(length - String.valueOf(length).length() - 7) + "\n";
        byte[] pax = record.getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            TarArchiveEntry header = new TarArchiveEntry("PaxHeader/x", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
            header.setSize(pax.length);
            tar.putArchiveEntry(header);
            tar.write(pax);
            tar.closeArchiveEntry();
            TarArchiveEntry entry = new TarArchiveEntry("x");
            entry.setSize(0);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }
        ImageLimits limits = new ImageLimits(1 << 20, 1L << 30, 1000, 1 << 20, 1_000_000, 1 << 20, 4096);
        assertThatThrownBy(() -> open(image(bytes.toByteArray()), limits))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("extended header")
                .hasMessageContaining("more than the 1048576");
    }

    @Test
    void sparseFilesClaimingHugeSizesAreSkipped() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        byte[] pax = (paxRecord("GNU.sparse.map", (256L << 20) + ",0")
                        + paxRecord("GNU.sparse.size", String.valueOf(256L << 20)))
                .getBytes(StandardCharsets.US_ASCII);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry header = new TarArchiveEntry("PaxHeader/x", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
            header.setSize(pax.length);
            tar.putArchiveEntry(header);
            tar.write(pax);
            tar.closeArchiveEntry();
            TarArchiveEntry entry = new TarArchiveEntry("etc/os-release");
            entry.setSize(0);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        }
        try (ImageRootFs root = open(image(bytes.toByteArray()), new ImageLimits(1 << 20, 1L << 30, 1000, 1 << 20))) {
            assertThat(root.file("/etc/os-release")).isEmpty();
            assertThat(root.warnings()).anySatisfy(w -> assertThat(w).contains("268435456 bytes"));
        }
    }

    /** One pax extended header record: its decimal length (itself included), the key and value, a newline. */
    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.length() + 1;
        while (String.valueOf(length).length() + body.length() != length) {
            length++;
        }
        return length + body;
    }

    private static byte[] zeros(Compression compression, long size) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream compressed = switch (compression) {
                    case NONE -> bytes;
                    case GZIP -> new GZIPOutputStream(bytes, 1 << 16);
                    case ZSTD ->
                        new org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream(bytes);
                };
                TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
            TarArchiveEntry entry = new TarArchiveEntry("zeros");
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            byte[] block = new byte[1 << 20];
            for (long i = 0; i < size >> 20; i++) {
                tar.write(block);
            }
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void compressionBombsStopAtTheRatioWithDefaultLimits() throws Exception {
        for (Compression compression : java.util.List.of(Compression.GZIP, Compression.ZSTD)) {
            Path image = image(zeros(compression, 128L << 20));
            assertThatThrownBy(() -> open(image, ImageLimits.defaults()))
                    .as(compression.name())
                    .isInstanceOf(InventoryException.class)
                    .hasMessageContaining("decompression bomb")
                    .hasMessageContaining("over 100 times");
        }
    }

    @Test
    void aGzippedArchiveBombStopsWhileStreamingAndLeavesNothing() throws Exception {
        Path tar = TestImages.dockerArchive(temp.resolve("inner.tar"), "bomb:1", zeros(Compression.NONE, 256L << 20));
        Path gzipped = temp.resolve("bomb.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped), 1 << 16)) {
            Files.copy(tar, out);
        }
        Files.delete(tar);
        assertThat(Files.size(gzipped)).isLessThan(1 << 20);
        assertThatThrownBy(() -> open(gzipped, ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining(gzipped.toString())
                .hasMessageContaining("decompression bomb");
        try (var left = Files.list(work)) {
            assertThat(left.toList()).as("temporary tar and root are removed").isEmpty();
        }
    }

    @Test
    void theOuterArchiveIndexStopsAtTheEntryLimit() throws Exception {
        Path archive = temp.resolve("many.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            for (int i = 0; i < 50; i++) {
                TarArchiveEntry entry = new TarArchiveEntry("junk/" + i);
                entry.setSize(1);
                tar.putArchiveEntry(entry);
                tar.write('x');
                tar.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> open(archive, new ImageLimits(1 << 20, 1L << 30, 10, 1 << 20)))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("has more than 10 entries");
    }

    @Test
    void indexesThatNestForeverOrListTooManyLayersAreRefused() throws Exception {
        Path layout = Files.createDirectories(temp.resolve("loop/blobs/sha256"));
        // An index blob cannot name its own digest, so two indexes name each other through a third, nesting deeper.
        String next = "0".repeat(64);
        for (int i = 0; i < 8; i++) {
            byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                            + "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + next + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            next = TestImages.sha256(index);
            Files.write(layout.resolve(next), index);
        }
        Files.writeString(
                temp.resolve("loop/index.json"),
                "{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:" + next
                        + "\"}]}");
        assertThatThrownBy(() -> open(temp.resolve("loop"), ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("nest too deeply");

        Path many = TestImages.ociLayout(temp.resolve("many"), layer(Compression.GZIP, file("a", "1")));
        String layers =
                String.join(",", java.util.Collections.nCopies(1001, "{\"digest\":\"sha256:" + "0".repeat(64) + "\"}"));
        byte[] manifest = ("{\"schemaVersion\":2,\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        Files.write(many.resolve("blobs/sha256/" + TestImages.sha256(manifest)), manifest);
        Files.writeString(
                many.resolve("index.json"),
                "{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                        + TestImages.sha256(manifest) + "\"}]}");
        assertThatThrownBy(() -> open(many, ImageLimits.defaults()))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("1001 layers");
    }
}
