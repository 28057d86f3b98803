package vigil.inventory.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vigil.inventory.image.TestImages.dir;
import static vigil.inventory.image.TestImages.file;
import static vigil.inventory.image.TestImages.layer;
import static vigil.inventory.image.TestImages.symlink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.Fixtures;
import vigil.inventory.InventoryException;
import vigil.inventory.image.TestImages.Compression;
import vigil.model.ProgressListener;

class ImageOpenerTest {
    private static final Predicate<String> EVERYTHING = path -> true;

    @TempDir
    Path temp;

    private ImageRootFs open(Path image) throws Exception {
        return open(image, null, ImageLimits.defaults());
    }

    private ImageRootFs open(Path image, String platform, ImageLimits limits) throws Exception {
        return ImageOpener.open(image, EVERYTHING, platform, limits, ProgressListener.NONE, temp);
    }

    private static String read(ImageRootFs root, String path) throws Exception {
        return Files.readString(root.file(path).orElseThrow(() -> new AssertionError(path + " missing")));
    }

    @Test
    void layersApplyInOrderWithWhiteoutsAcrossCompressions() throws Exception {
        byte[] base = layer(
                Compression.GZIP,
                dir("etc"),
                file("etc/passwd", "root"),
                file("etc/old", "old"),
                dir("usr/lib"),
                file("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
                symlink("etc/os-release", "../usr/lib/os-release"),
                file("var/lib/dpkg/status", "v1"),
                file("tmp/gone", "x"));
        byte[] update = layer(Compression.ZSTD, file("var/lib/dpkg/status", "v2"), file("tmp/.wh.gone", ""));
        byte[] opaque = layer(Compression.NONE, dir("etc"), file("etc/.wh..wh..opq", ""), file("etc/passwd", "new"));
        Path archive = TestImages.dockerArchive(temp.resolve("image.tar"), "test:1", base, update, opaque);

        try (ImageRootFs root = open(archive)) {
            assertThat(read(root, "/var/lib/dpkg/status")).isEqualTo("v2");
            assertThat(root.file("/tmp/gone")).isEmpty();
            assertThat(read(root, "/etc/passwd")).isEqualTo("new");
            assertThat(root.file("/etc/old"))
                    .as("hidden by the opaque directory")
                    .isEmpty();
            assertThat(root.file("/etc/os-release"))
                    .as("the symlink was in the opaque directory too")
                    .isEmpty();
            assertThat(read(root, "/usr/lib/os-release")).contains("debian");
            assertThat(root.metadata().repoTags()).containsExactly("test:1");
            assertThat(root.metadata().format()).isEqualTo("docker-archive");
            assertThat(root.metadata().layers()).hasSize(3);
        }
    }

    @Test
    void trivyWhiteoutLayer() throws Exception {
        byte[] lower = layer(Compression.NONE, file("etc/hostname", "x"), file("foo/foo", "x"), file("foo/keep", "x"));
        byte[] whiteout = Files.readAllBytes(Fixtures.path("vulns/images/trivy/layer-whiteout/test.tar"));
        Path archive = TestImages.dockerArchive(temp.resolve("w.tar"), "w:1", lower, whiteout);
        try (ImageRootFs root = open(archive)) {
            assertThat(root.file("/etc/hostname")).isEmpty();
            assertThat(root.file("/foo/foo")).isEmpty();
            assertThat(root.file("/foo/keep")).isPresent();
            for (String regular : new String[] {"/app/myweb/index.html", "/baz", "/vendor/bar"}) {
                assertThat(root.file(regular)).as(regular).isPresent();
            }
        }
    }

    @Test
    void ociLayoutDirectoryAndTarAndGzippedArchive() throws Exception {
        byte[] layer = layer(Compression.GZIP, file("etc/alpine-release", "3.19.1\n"));
        Path layout = TestImages.ociLayout(temp.resolve("layout"), layer);
        try (ImageRootFs root = open(layout)) {
            assertThat(read(root, "/etc/alpine-release")).isEqualTo("3.19.1\n");
            assertThat(root.metadata().format()).isEqualTo("oci-layout");
            assertThat(root.metadata().repoTags()).containsExactly("test:1");
        }
        Path tar = TestImages.tarDirectory(layout, temp.resolve("layout.tar"));
        try (ImageRootFs root = open(tar)) {
            assertThat(root.metadata().format()).isEqualTo("oci-archive");
            assertThat(read(root, "/etc/alpine-release")).isEqualTo("3.19.1\n");
        }
    }

    @Test
    void trivyOciFixture() throws Exception {
        try (ImageRootFs root = open(Fixtures.path("vulns/images/trivy/oci/test.oci"))) {
            assertThat(root.metadata().manifestDigest())
                    .isEqualTo("sha256:afb744871f99e0ff8e6f253244836ed34c5d805fdb096d3a205ffaf5e9073cab");
            assertThat(root.metadata().layers())
                    .containsExactly("sha256:cdd16bd695eda2819e7637648f573c2ca64896c4f7bff9732ac9db734ca3bc2c");
            assertThat(root.file("/hello")).isPresent();
        }
        for (String broken :
                new String[] {"test_bad_index_json.oci", "test_no_valid_manifests.oci", "test_invalid_oci_image.oci"}) {
            assertThatThrownBy(() -> open(Fixtures.path("vulns/images/trivy/oci/" + broken))
                            .close())
                    .as(broken)
                    .isInstanceOf(InventoryException.class)
                    .hasMessageContaining("image ");
        }
    }

    @Test
    void stereoscopeMultiPlatformLayouts() throws Exception {
        Path multi = Fixtures.path("vulns/images/stereoscope/oci/multiplatform_oci_dir");
        try (ImageRootFs root = open(multi, "linux/amd64", ImageLimits.defaults())) {
            assertThat(root.metadata().manifestDigest())
                    .isEqualTo("sha256:e7c26a4b4d156fd9947ee82295b7b78acf7aa54b93b8f3e4b9f608179ffb20e8");
        }
        try (ImageRootFs root = open(multi, "linux/arm64", ImageLimits.defaults())) {
            assertThat(root.metadata().manifestDigest())
                    .isEqualTo("sha256:5ed07065bcbc6c52e3ad28526557d7b6833613fc79257b1a786de85e37c03b05");
        }
        assertThatThrownBy(() -> open(multi, "linux/ppc64le", ImageLimits.defaults()))
                .hasMessageContaining("no manifest for platform linux/ppc64le");
        assertThatThrownBy(() -> open(Fixtures.path("vulns/images/stereoscope/oci/no_manifests")))
                .hasMessageContaining("lists no manifest");
        assertThatThrownBy(() -> open(Fixtures.path("vulns/images/stereoscope/oci/invalid_file")))
                .isInstanceOf(InventoryException.class);
        try (ImageRootFs root = open(Fixtures.path("vulns/images/stereoscope/oci/valid-oci.tar"))) {
            assertThat(root.metadata().layers()).isNotEmpty();
        }
    }

    @Test
    void aFileThatIsNotAnImageIsNamed() throws Exception {
        Path notImage = Files.writeString(temp.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> open(notImage))
                .isInstanceOf(InventoryException.class)
                .hasMessageContaining("notes.txt");
        assertThatThrownBy(() -> open(temp.resolve("missing.tar"))).hasMessageContaining("does not exist");
    }
}
