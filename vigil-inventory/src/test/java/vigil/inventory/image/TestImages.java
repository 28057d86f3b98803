package vigil.inventory.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Builds layers, docker save archives and OCI layouts for tests, with commons-compress. */
public final class TestImages {
    private TestImages() {}

    /** One tar entry of a layer. */
    public sealed interface Entry {
        record File(String name, String content) implements Entry {}

        record Directory(String name) implements Entry {}

        record Symlink(String name, String target) implements Entry {}

        record HardLink(String name, String target) implements Entry {}

        record Device(String name) implements Entry {}
    }

    public static Entry file(String name, String content) {
        return new Entry.File(name, content);
    }

    public static Entry dir(String name) {
        return new Entry.Directory(name);
    }

    public static Entry symlink(String name, String target) {
        return new Entry.Symlink(name, target);
    }

    public static Entry hardLink(String name, String target) {
        return new Entry.HardLink(name, target);
    }

    public static Entry device(String name) {
        return new Entry.Device(name);
    }

    public enum Compression {
        NONE,
        GZIP,
        ZSTD
    }

    public static byte[] layer(Compression compression, Entry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream compressed = switch (compression) {
                    case NONE -> bytes;
                    case GZIP -> new GZIPOutputStream(bytes);
                    case ZSTD -> new ZstdCompressorOutputStream(bytes);
                };
                TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry entry : entries) {
                switch (entry) {
                    case Entry.File file -> {
                        byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
                        TarArchiveEntry tarEntry = new TarArchiveEntry(file.name());
                        tarEntry.setSize(content.length);
                        tar.putArchiveEntry(tarEntry);
                        tar.write(content);
                    }
                    case Entry.Directory directory -> tar.putArchiveEntry(new TarArchiveEntry(directory.name() + "/"));
                    case Entry.Symlink symlink -> {
                        TarArchiveEntry tarEntry = new TarArchiveEntry(symlink.name(), TarArchiveEntry.LF_SYMLINK);
                        tarEntry.setLinkName(symlink.target());
                        tar.putArchiveEntry(tarEntry);
                    }
                    case Entry.HardLink link -> {
                        TarArchiveEntry tarEntry = new TarArchiveEntry(link.name(), TarArchiveEntry.LF_LINK);
                        tarEntry.setLinkName(link.target());
                        tar.putArchiveEntry(tarEntry);
                    }
                    case Entry.Device device -> {
                        TarArchiveEntry tarEntry = new TarArchiveEntry(device.name(), TarArchiveEntry.LF_CHR);
                        tar.putArchiveEntry(tarEntry);
                    }
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A {@code docker save} archive of the given layers. */
    public static Path dockerArchive(Path file, String tag, byte[]... layers) throws IOException {
        String config = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\"}}";
        String configName = sha256(config.getBytes(StandardCharsets.UTF_8)) + ".json";
        List<String> layerNames = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            layerNames.add("layer" + i + "/layer.tar");
        }
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":["
                + String.join(
                        ",", layerNames.stream().map(name -> "\"" + name + "\"").toList()) + "]}]";
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            put(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
            put(tar, configName, config.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < layers.length; i++) {
                put(tar, layerNames.get(i), layers[i]);
            }
        }
        return file;
    }

    /** An OCI image layout directory of the given layers. */
    public static Path ociLayout(Path directory, byte[]... layers) throws IOException {
        Path blobs = Files.createDirectories(directory.resolve("blobs/sha256"));
        StringBuilder layerDescriptors = new StringBuilder();
        for (byte[] layer : layers) {
            String digest = sha256(layer);
            Files.write(blobs.resolve(digest), layer);
            if (!layerDescriptors.isEmpty()) {
                layerDescriptors.append(',');
            }
            layerDescriptors
                    .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:")
                    .append(digest)
                    .append("\",\"size\":")
                    .append(layer.length)
                    .append('}');
        }
        byte[] config = "{\"os\":\"linux\",\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(sha256(config)), config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                        + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[" + layerDescriptors + "]}")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(sha256(manifest)), manifest);
        Files.writeString(directory.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(
                directory.resolve("index.json"),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + sha256(manifest)
                        + "\",\"size\":" + manifest.length
                        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"test:1\"}}]}");
        return directory;
    }

    /** Packs a directory (an OCI layout) into a tar file. */
    public static Path tarDirectory(Path directory, Path file) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file));
                var walk = Files.walk(directory)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
                put(tar, directory.relativize(path).toString(), Files.readAllBytes(path));
            }
        }
        return file;
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
