package vigil.inventory.image;

/**
 * Bounds on what an image may make Vigil read or write, so a hostile image (tar bomb, decompression bomb, huge
 * manifest or header) is refused with a message instead of filling memory or disk. Every bound is checked while the
 * archive streams, before the bytes or entries it counts are written or indexed.
 *
 * @param maxEntryBytes the largest single file kept from a layer (its real size, holes of sparse files included)
 * @param maxUncompressedBytes the most bytes the image archive and all layers may decompress to
 * @param maxEntries the most tar entries all layers, or the outer archive, may hold
 * @param maxMetadataBytes the largest manifest, index or config JSON
 * @param maxCompressionRatio the most a compressed stream may expand, once past {@link #RATIO_GRACE_BYTES}
 * @param maxHeaderBytes the largest pax extended header or GNU long name/link entry
 * @param maxNameLength the longest entry or link name, in characters
 */
public record ImageLimits(
        long maxEntryBytes,
        long maxUncompressedBytes,
        long maxEntries,
        long maxMetadataBytes,
        long maxCompressionRatio,
        long maxHeaderBytes,
        int maxNameLength) {
    /** Decompressed bytes allowed before the ratio applies: small streams (headers, tiny layers) expand a lot. */
    public static final long RATIO_GRACE_BYTES = 16L << 20;

    public ImageLimits {
        if (maxEntryBytes < 0
                || maxUncompressedBytes < 0
                || maxEntries < 0
                || maxMetadataBytes < 0
                || maxCompressionRatio < 1
                || maxHeaderBytes < 512
                || maxNameLength < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
    }

    /** The four main bounds, with the default ratio, header and name bounds. */
    public ImageLimits(long maxEntryBytes, long maxUncompressedBytes, long maxEntries, long maxMetadataBytes) {
        this(maxEntryBytes, maxUncompressedBytes, maxEntries, maxMetadataBytes, 100, 1L << 20, 4096);
    }

    public static ImageLimits defaults() {
        return new ImageLimits(1L << 30, 64L << 30, 5_000_000, 16L << 20);
    }
}
