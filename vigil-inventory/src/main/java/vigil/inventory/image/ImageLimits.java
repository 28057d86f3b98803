package vigil.inventory.image;

/**
 * Bounds on what an image may make Vigil read or write, so a hostile image (tar bomb, decompression bomb, huge
 * manifest) is refused with a message instead of filling memory or disk.
 *
 * @param maxEntryBytes the largest single file kept from a layer
 * @param maxUncompressedBytes the most bytes all layers may decompress to
 * @param maxEntries the most tar entries all layers may hold
 * @param maxMetadataBytes the largest manifest, index or config JSON
 */
public record ImageLimits(long maxEntryBytes, long maxUncompressedBytes, long maxEntries, long maxMetadataBytes) {
    public static ImageLimits defaults() {
        return new ImageLimits(1L << 30, 64L << 30, 5_000_000, 16L << 20);
    }
}
