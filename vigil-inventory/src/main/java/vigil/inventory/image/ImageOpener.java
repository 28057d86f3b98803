package vigil.inventory.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.inventory.InventoryException;
import vigil.model.ProgressListener;

/**
 * Opens a container image, whichever way it is stored: a {@code docker save} archive, an OCI image layout
 * directory, or an OCI layout in a tar. The chosen manifest's layers are applied in order (see
 * {@link LayerApplier}) into a private temporary directory; OCI blobs are checked against their digests.
 */
public final class ImageOpener {
    /** Metadata JSON is small and flat: deep nesting or huge strings are a hostile image, not a real one. */
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(4 << 20)
                            .maxNameLength(64 << 10)
                            .maxNumberLength(64)
                            .build())
                    .build())
            .build();
    /** More layers than any real image has (Docker allows 127); each one is a stream to open and apply. */
    private static final int MAX_LAYERS = 1000;

    private static final Pattern DIGEST = Pattern.compile("^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$");
    private static final String DEFAULT_PLATFORM = "linux/amd64";

    private ImageOpener() {}

    /**
     * @param interesting in-image paths ({@code /var/lib/dpkg/status}) whose regular files are kept
     * @param platform {@code os/architecture[/variant]} to pick from a multi-platform index; null for linux/amd64
     * @param temporaryParent where the private directory is made
     */
    public static ImageRootFs open(
            Path image,
            Predicate<String> interesting,
            @Nullable String platform,
            ImageLimits limits,
            ProgressListener progress,
            Path temporaryParent)
            throws IOException {
        if (!Files.exists(image)) {
            throw new InventoryException("image " + image + " does not exist");
        }
        try (BlobSource source =
                Files.isDirectory(image) ? BlobSource.directory(image) : tarSource(image, limits, temporaryParent)) {
            Path directory = Files.createTempDirectory(temporaryParent, "vigil-image-");
            List<String> warnings = new ArrayList<>();
            try {
                ImageMetadata metadata;
                if (source.exists("manifest.json") && !source.exists("index.json")) {
                    metadata = dockerArchive(source, directory, interesting, limits, progress, warnings);
                } else if (source.exists("index.json")) {
                    metadata = ociLayout(
                            source,
                            directory,
                            interesting,
                            platform,
                            limits,
                            progress,
                            warnings,
                            Files.isDirectory(image) ? "oci-layout" : "oci-archive");
                } else if (source.exists("manifest.json")) {
                    metadata = dockerArchive(source, directory, interesting, limits, progress, warnings);
                } else {
                    throw new InventoryException(
                            "image " + image + " is neither a docker save archive (no manifest.json)"
                                    + " nor an OCI image layout (no index.json)");
                }
                return new ImageRootFs(directory, "image " + image, metadata, warnings);
            } catch (JacksonException e) {
                ImageRootFs.deleteTree(directory);
                throw new InventoryException(
                        "image " + image + ": its metadata has an unexpected structure: " + e.getOriginalMessage());
            } catch (IOException | RuntimeException e) {
                ImageRootFs.deleteTree(directory);
                throw e;
            }
        }
    }

    /**
     * A tar archive, decompressed first to a private temporary tar when it is gzipped ({@code docker save | gzip}):
     * the decompression is bounded while it streams (total size, ratio, see {@link InflationGuard}), so a bomb stops
     * having written at most the limit, and the temporary tar is deleted once indexed or refused.
     */
    private static BlobSource tarSource(Path image, ImageLimits limits, Path temporaryParent) throws IOException {
        byte[] magic;
        try (InputStream input = Files.newInputStream(image)) {
            magic = input.readNBytes(2);
        }
        if (magic.length < 2 || (magic[0] & 0xff) != 0x1f || (magic[1] & 0xff) != 0x8b) {
            return BlobSource.tar(image, limits);
        }
        Path tar = Files.createTempFile(temporaryParent, "vigil-image-", ".tar");
        try {
            String where = "image " + image;
            try (InputStream raw = Files.newInputStream(image);
                    InflationGuard.Counting compressed =
                            new InflationGuard.Counting(new java.io.BufferedInputStream(raw, 1 << 16));
                    InputStream input = new InflationGuard(
                            gunzip(compressed, where),
                            compressed,
                            true,
                            new InflationGuard.Budget(limits.maxUncompressedBytes()),
                            limits,
                            where);
                    java.io.OutputStream out = Files.newOutputStream(tar)) {
                input.transferTo(out);
            } catch (java.util.zip.ZipException e) {
                throw new InventoryException(where + " starts like gzip but cannot be decompressed: " + e.getMessage());
            }
            BlobSource source = BlobSource.tar(tar, limits);
            return new BlobSource() {
                @Override
                public Optional<InputStream> open(String path) throws IOException {
                    return source.open(path);
                }

                @Override
                public String describe() {
                    return image.toString();
                }

                @Override
                public void close() throws IOException {
                    try {
                        source.close();
                    } finally {
                        Files.deleteIfExists(tar);
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tar);
            throw e;
        }
    }

    private static InputStream gunzip(InputStream compressed, String where) throws IOException {
        try {
            return new java.util.zip.GZIPInputStream(compressed, 1 << 16);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new InventoryException(where + " starts like gzip but its gzip header is damaged: " + e.getMessage());
        }
    }

    private static JsonNode json(BlobSource source, String path, ImageLimits limits) throws IOException {
        Optional<InputStream> input = source.open(path);
        if (input.isEmpty()) {
            throw new InventoryException("image " + source.describe() + ": " + path + " is missing");
        }
        byte[] bytes;
        try (InputStream stream = input.get()) {
            bytes = stream.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxMetadataBytes() + 1));
        }
        if (bytes.length > limits.maxMetadataBytes()) {
            throw new InventoryException("image " + source.describe() + ": " + path + " is larger than "
                    + limits.maxMetadataBytes() + " bytes; refusing it");
        }
        try {
            return JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new InventoryException(
                    "image " + source.describe() + ": " + path + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static ImageMetadata dockerArchive(
            BlobSource source,
            Path directory,
            Predicate<String> interesting,
            ImageLimits limits,
            ProgressListener progress,
            List<String> warnings)
            throws IOException {
        JsonNode manifest = json(source, "manifest.json", limits);
        if (!manifest.isArray() || manifest.isEmpty()) {
            throw new InventoryException("image " + source.describe() + ": manifest.json lists no image");
        }
        if (manifest.size() > 1) {
            warnings.add("image " + source.describe() + " holds " + manifest.size() + " images; scanning the first ("
                    + manifest.get(0).path("RepoTags").toString() + ")");
        }
        JsonNode first = manifest.get(0);
        String configPath = first.path("Config").asString("");
        List<String> repoTags = new ArrayList<>();
        first.path("RepoTags").forEach(tag -> repoTags.add(tag.asString()));
        String os = null;
        String architecture = null;
        String configDigest = null;
        if (!configPath.isEmpty()) {
            JsonNode config = json(source, configPath, limits);
            os = config.path("os").asString(null);
            architecture = config.path("architecture").asString(null);
            String base = configPath.contains("/") ? configPath.substring(configPath.lastIndexOf('/') + 1) : configPath;
            configDigest = "sha256:" + base.replace(".json", "");
        }
        List<String> layers = new ArrayList<>();
        first.path("Layers").forEach(layer -> layers.add(layer.asString("")));
        checkLayerCount(source, layers);
        LayerApplier applier = new LayerApplier(directory, interesting, limits, warnings);
        progress.begin("Extracting " + layers.size() + " layers", layers.size());
        for (String layer : layers) {
            Optional<InputStream> blob = source.open(layer);
            if (blob.isEmpty()) {
                throw new InventoryException("image " + source.describe() + ": layer " + layer
                        + " is listed in manifest.json but missing from the archive");
            }
            try (InputStream input = blob.get()) {
                applier.apply(input, layer);
            }
            progress.advance(1);
        }
        progress.end();
        return new ImageMetadata("docker-archive", configDigest, null, repoTags, layers, os, architecture);
    }

    private static String blobPath(BlobSource source, String digest) {
        if (!DIGEST.matcher(digest).matches()) {
            throw new InventoryException(
                    "image " + source.describe() + ": '" + digest + "' is not a valid blob digest");
        }
        return "blobs/" + digest.replace(':', '/');
    }

    private static ImageMetadata ociLayout(
            BlobSource source,
            Path directory,
            Predicate<String> interesting,
            @Nullable String platform,
            ImageLimits limits,
            ProgressListener progress,
            List<String> warnings,
            String format)
            throws IOException {
        JsonNode index = json(source, "index.json", limits);
        String wanted = platform == null ? DEFAULT_PLATFORM : platform.toLowerCase(Locale.ROOT);
        JsonNode descriptor = chooseManifest(source, index, wanted, limits, 0);
        String manifestDigest = descriptor.path("digest").asString("");
        JsonNode manifest = json(source, blobPath(source, manifestDigest), limits);
        String configDigest = manifest.path("config").path("digest").asString(null);
        String os = null;
        String architecture = null;
        if (configDigest != null) {
            JsonNode config = json(source, blobPath(source, configDigest), limits);
            os = config.path("os").asString(null);
            architecture = config.path("architecture").asString(null);
        }
        List<String> repoTags = new ArrayList<>();
        String reference = descriptor
                .path("annotations")
                .path("org.opencontainers.image.ref.name")
                .asString("");
        if (!reference.isEmpty()) {
            repoTags.add(reference);
        }
        List<String> layers = new ArrayList<>();
        manifest.path("layers").forEach(layer -> layers.add(layer.path("digest").asString("")));
        checkLayerCount(source, layers);
        LayerApplier applier = new LayerApplier(directory, interesting, limits, warnings);
        progress.begin("Extracting " + layers.size() + " layers", layers.size());
        for (String digest : layers) {
            Optional<InputStream> blob = source.open(blobPath(source, digest));
            if (blob.isEmpty()) {
                throw new InventoryException("image " + source.describe() + ": layer " + digest
                        + " is listed in the manifest but its blob is missing");
            }
            MessageDigest hash = messageDigest(digest);
            try (InputStream raw = blob.get();
                    DigestInputStream input = new DigestInputStream(raw, hash)) {
                applier.apply(input, digest);
                input.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String actual = digest.substring(0, digest.indexOf(':') + 1)
                    + HexFormat.of().formatHex(hash.digest());
            if (!actual.equals(digest)) {
                throw new InventoryException("image " + source.describe() + ": layer blob " + digest
                        + " does not match its digest (it hashes to " + actual + "); the image is corrupt or tampered");
            }
            progress.advance(1);
        }
        progress.end();
        return new ImageMetadata(format, configDigest, manifestDigest, repoTags, layers, os, architecture);
    }

    private static void checkLayerCount(BlobSource source, List<String> layers) {
        if (layers.size() > MAX_LAYERS) {
            throw new InventoryException("image " + source.describe() + ": its manifest lists " + layers.size()
                    + " layers, more than the " + MAX_LAYERS + " Vigil applies; refusing it");
        }
    }

    private static MessageDigest messageDigest(String digest) {
        try {
            return MessageDigest.getInstance(digest.startsWith("sha512:") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 and SHA-512 are always available", e);
        }
    }

    /** The manifest descriptor for {@code platform}, following nested indexes (a few levels at most). */
    private static JsonNode chooseManifest(
            BlobSource source, JsonNode index, String platform, ImageLimits limits, int depth) throws IOException {
        if (depth > 4) {
            throw new InventoryException("image " + source.describe() + ": image indexes nest too deeply");
        }
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new InventoryException("image " + source.describe() + ": the image index lists no manifest");
        }
        List<JsonNode> candidates = new ArrayList<>();
        manifests.forEach(candidates::add);
        JsonNode chosen = null;
        for (JsonNode candidate : candidates) {
            JsonNode candidatePlatform = candidate.path("platform");
            if (candidatePlatform.isMissingNode()) {
                continue;
            }
            String name = candidatePlatform.path("os").asString("") + "/"
                    + candidatePlatform.path("architecture").asString("");
            String variant = candidatePlatform.path("variant").asString("");
            if (platform.equals(name) || platform.equals(name + "/" + variant)) {
                chosen = candidate;
                break;
            }
        }
        if (chosen == null) {
            List<JsonNode> unlabelled = candidates.stream()
                    .filter(candidate -> candidate.path("platform").isMissingNode())
                    .toList();
            if (unlabelled.isEmpty()) {
                throw new InventoryException("image " + source.describe() + " has no manifest for platform " + platform
                        + "; choose one with --platform");
            }
            chosen = unlabelled.getFirst();
        }
        String mediaType = chosen.path("mediaType").asString("");
        if (mediaType.contains("image.index") || mediaType.contains("manifest.list")) {
            JsonNode nested =
                    json(source, blobPath(source, chosen.path("digest").asString("")), limits);
            return chooseManifest(source, nested, platform, limits, depth + 1);
        }
        return chosen;
    }
}
