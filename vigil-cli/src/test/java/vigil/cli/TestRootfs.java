package vigil.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The Debian root filesystem made by debootstrap (scripts/test-rootfs.sh), and images built from it. */
final class TestRootfs {
    private TestRootfs() {}

    /** The cached root; under CI=true a missing one is a failure, elsewhere the test is skipped. */
    static Path debian() {
        String configured = System.getenv("VIGIL_TEST_ROOTFS");
        Path root = Path.of(configured == null ? "/var/cache/vigil/rootfs-bookworm" : configured);
        boolean present = Files.isRegularFile(root.resolve("var/lib/dpkg/status"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(root + " is missing: .ci/run makes it with scripts/test-rootfs.sh");
        }
        assumeTrue(present, "no debootstrap root at " + root + " (run scripts/test-rootfs.sh as root)");
        return root;
    }

    /** Writes the whole root as one layer tar, optionally gzipped; links are stored as links. */
    static byte[] layer(Path root, boolean gzip) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64 << 20);
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 1 << 16) : bytes;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
                Stream<Path> walk = Files.walk(root)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path path : (Iterable<Path>) walk::iterator) {
                String name = root.relativize(path).toString();
                if (name.isEmpty() || name.startsWith("proc/") || name.startsWith("sys/") || name.startsWith("dev/")) {
                    continue;
                }
                if (Files.isSymbolicLink(path)) {
                    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                    tar.putArchiveEntry(entry);
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    tar.putArchiveEntry(new TarArchiveEntry(name + "/"));
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry entry = new TarArchiveEntry(name);
                    entry.setSize(Files.size(path));
                    tar.putArchiveEntry(entry);
                    Files.copy(path, tar);
                } else {
                    continue;
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A {@code docker save} archive with the given layers. */
    static Path dockerArchive(Path file, String tag, List<byte[]> layers) throws IOException {
        String config = "{\"os\":\"linux\",\"architecture\":\"amd64\"}";
        StringBuilder names = new StringBuilder();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (int i = 0; i < layers.size(); i++) {
                put(tar, "layer" + i + ".tar", layers.get(i));
                names.append(i == 0 ? "" : ",").append("\"layer").append(i).append(".tar\"");
            }
            put(tar, "config.json", config.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            put(
                    tar,
                    "manifest.json",
                    ("[{\"Config\":\"config.json\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":[" + names + "]}]")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return file;
    }

    /** An OCI image layout directory with the given (gzipped) layers. */
    static Path ociLayout(Path directory, List<byte[]> layers) throws IOException {
        Path blobs = Files.createDirectories(directory.resolve("blobs/sha256"));
        StringBuilder descriptors = new StringBuilder();
        for (byte[] layer : layers) {
            String digest = sha256(layer);
            Files.write(blobs.resolve(digest), layer);
            descriptors
                    .append(descriptors.isEmpty() ? "" : ",")
                    .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:")
                    .append(digest)
                    .append("\",\"size\":")
                    .append(layer.length)
                    .append('}');
        }
        byte[] config =
                "{\"os\":\"linux\",\"architecture\":\"amd64\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(blobs.resolve(sha256(config)), config);
        byte[] manifest =
                ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                                + "\"digest\":\"sha256:" + sha256(config) + "\",\"size\":" + config.length
                                + "},\"layers\":["
                                + descriptors + "]}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(blobs.resolve(sha256(manifest)), manifest);
        Files.writeString(directory.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(
                directory.resolve("index.json"),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + sha256(manifest)
                        + "\",\"size\":"
                        + manifest.length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}");
        return directory;
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
