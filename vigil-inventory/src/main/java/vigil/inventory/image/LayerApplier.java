package vigil.inventory.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.jspecify.annotations.Nullable;
import vigil.inventory.InventoryException;

/**
 * Applies image layers, in order, to a private directory, keeping only the files scanners read plus every
 * directory and symbolic link. Whiteouts delete what lower layers wrote. Every path is confined: entries that
 * would leave the root are refused, links are created but never followed while writing, and parent directories
 * are resolved inside the root as the container would see them.
 */
final class LayerApplier {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_LINKS = 40;

    private final Path root;
    private final Predicate<String> interesting;
    private final ImageLimits limits;
    private final List<String> warnings;
    private long entries;
    private long uncompressed;

    LayerApplier(Path root, Predicate<String> interesting, ImageLimits limits, List<String> warnings) {
        this.root = root;
        this.interesting = interesting;
        this.limits = limits;
        this.warnings = warnings;
    }

    /** Reads one layer blob (gzip, zstd or plain tar, told apart by magic bytes) and applies it. */
    void apply(InputStream blob, String layerName) throws IOException {
        // The caller owns the blob stream (it drains it to finish a digest), so closing the tar must not close it.
        InputStream unclosable = new java.io.FilterInputStream(blob) {
            @Override
            public void close() {}
        };
        BufferedInputStream buffered = new BufferedInputStream(unclosable, 1 << 16);
        buffered.mark(4);
        byte[] magic = buffered.readNBytes(4);
        buffered.reset();
        InputStream tarStream;
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            try {
                tarStream = new GZIPInputStream(buffered, 1 << 16);
            } catch (IOException e) {
                // GZIPInputStream reads the header in its constructor: a damaged one fails here, not in the tar.
                throw new InventoryException("layer " + layerName + " starts like gzip but its gzip header is damaged ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "); the image is corrupt or truncated");
            }
        } else if (magic.length == 4
                && (magic[0] & 0xff) == 0x28
                && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            tarStream = new ZstdCompressorInputStream(buffered);
        } else {
            tarStream = buffered;
        }
        Set<String> createdHere = new HashSet<>();
        int skippedSpecial = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new CountingStream(tarStream, layerName))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new InventoryException("layer " + layerName + ": more than " + limits.maxEntries()
                            + " entries in the image; refusing it (a tar bomb?)");
                }
                List<String> parts = parts(entry.getName());
                if (parts == null) {
                    warnings.add("layer " + layerName + ": entry '" + entry.getName()
                            + "' would leave the image root; refused");
                    continue;
                }
                if (parts.isEmpty()) {
                    continue;
                }
                String name = parts.getLast();
                List<String> parent = parts.subList(0, parts.size() - 1);
                if (name.equals(OPAQUE)) {
                    opaque(parent, createdHere);
                    continue;
                }
                if (name.startsWith(WHITEOUT)) {
                    List<String> target = new ArrayList<>(parent);
                    target.add(name.substring(WHITEOUT.length()));
                    remove(target);
                    continue;
                }
                String path = "/" + String.join("/", parts);
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    skippedSpecial++;
                } else if (entry.isDirectory()) {
                    Path directory = directory(parts);
                    if (directory != null) {
                        createdHere.add(path);
                    }
                } else if (entry.isSymbolicLink()) {
                    if (symlink(parts, entry.getLinkName())) {
                        createdHere.add(path);
                    }
                } else if (entry.isLink()) {
                    if (hardLink(parts, entry.getLinkName(), layerName)) {
                        createdHere.add(path);
                    }
                } else if (entry.isFile()) {
                    if (!interesting.test(path)) {
                        removeIfPresent(parts);
                        continue;
                    }
                    if (entry.getSize() > limits.maxEntryBytes()) {
                        warnings.add("layer " + layerName + ": " + path + " is " + entry.getSize()
                                + " bytes, more than the " + limits.maxEntryBytes() + " Vigil keeps; skipped");
                        continue;
                    }
                    if (file(parts, tar, layerName)) {
                        createdHere.add(path);
                    }
                } else {
                    skippedSpecial++;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof InventoryException) {
                throw e;
            }
            throw new InventoryException("layer " + layerName + " is not a readable tar stream: " + e.getMessage(), e);
        }
        if (skippedSpecial > 0) {
            warnings.add(
                    "layer " + layerName + ": " + skippedSpecial + " device, fifo or other special entries skipped");
        }
    }

    /** Splits an entry name into components; null when {@code ..} would climb above the root. */
    static @Nullable List<String> parts(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") || part.indexOf('\0') >= 0) {
                return null;
            }
            parts.add(part);
        }
        return parts;
    }

    /**
     * The real directory for {@code parts} inside the root, created as needed. Symbolic links among the parents are
     * followed the way the container would follow them, but resolved inside the root; null when a parent is a file.
     */
    private @Nullable Path directory(List<String> parts) throws IOException {
        Path current = root;
        List<String> pending = new ArrayList<>(parts);
        int links = 0;
        List<String> resolved = new ArrayList<>();
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                current = pathOf(resolved);
                continue;
            }
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    return null;
                }
                String target = Files.readSymbolicLink(next).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                    current = root;
                }
                List<String> targetParts = new ArrayList<>();
                for (String piece : target.split("/")) {
                    if (!piece.isEmpty()) {
                        targetParts.add(piece);
                    }
                }
                pending.addAll(0, targetParts);
                continue;
            }
            if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                    return null;
                }
            } else {
                Files.createDirectory(next);
            }
            resolved.add(part);
            current = next;
        }
        return current;
    }

    private Path pathOf(List<String> parts) {
        Path current = root;
        for (String part : parts) {
            current = current.resolve(part);
        }
        return current;
    }

    /** Where the last component of {@code parts} lives: its resolved parent plus its own name, never followed. */
    private @Nullable Path place(List<String> parts) throws IOException {
        Path parent = directory(parts.subList(0, parts.size() - 1));
        return parent == null ? null : parent.resolve(parts.getLast());
    }

    private boolean symlink(List<String> parts, String target) throws IOException {
        Path place = place(parts);
        if (place == null || target.indexOf('\0') >= 0) {
            return false;
        }
        removeTree(place);
        Files.createSymbolicLink(place, Path.of(target));
        return true;
    }

    private boolean file(List<String> parts, InputStream content, String layerName) throws IOException {
        Path place = place(parts);
        if (place == null) {
            warnings.add("layer " + layerName + ": no directory for /" + String.join("/", parts) + "; skipped");
            return false;
        }
        removeTree(place);
        try (OutputStream out = Files.newOutputStream(
                place, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            content.transferTo(out);
        }
        return true;
    }

    /** A hard link is copied from a file this image already put inside the root; anything else is refused. */
    private boolean hardLink(List<String> parts, String target, String layerName) throws IOException {
        List<String> targetParts = parts(target);
        String path = "/" + String.join("/", parts);
        if (targetParts == null || targetParts.isEmpty()) {
            warnings.add("layer " + layerName + ": hard link " + path + " -> " + target
                    + " points outside the image root; refused");
            return false;
        }
        if (!interesting.test(path)) {
            removeIfPresent(parts);
            return false;
        }
        Path source = pathOf(targetParts);
        if (!source.normalize().startsWith(root) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            warnings.add("layer " + layerName + ": hard link " + path + " -> " + target
                    + " names no file extracted from the image; skipped");
            return false;
        }
        Path place = place(parts);
        if (place == null) {
            return false;
        }
        removeTree(place);
        Files.copy(source, place, LinkOption.NOFOLLOW_LINKS);
        return true;
    }

    private void removeIfPresent(List<String> parts) throws IOException {
        Path place = place(parts);
        if (place != null
                && Files.exists(place, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(place, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(place);
        }
    }

    private void remove(List<String> parts) throws IOException {
        Path place = place(parts);
        if (place != null) {
            removeTree(place);
        }
    }

    /** An opaque directory hides everything lower layers put in it; this layer's own entries stay. */
    private void opaque(List<String> parent, Set<String> createdHere) throws IOException {
        Path directory = directory(parent);
        if (directory == null) {
            return;
        }
        String prefix = parent.isEmpty() ? "/" : "/" + String.join("/", parent) + "/";
        List<Path> children;
        try (Stream<Path> list = Files.list(directory)) {
            children = list.toList();
        }
        for (Path child : children) {
            if (!createdHere.contains(prefix + child.getFileName())) {
                removeTree(child);
            }
        }
    }

    private static void removeTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.delete(path);
                return;
            } catch (DirectoryNotEmptyException e) {
                ImageRootFs.deleteTree(path);
                return;
            }
        }
        try {
            Files.delete(path);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(e);
        }
    }

    /** Counts decompressed bytes across all layers and stops a decompression bomb. */
    private final class CountingStream extends java.io.FilterInputStream {
        private final String layerName;

        CountingStream(InputStream input, String layerName) {
            super(input);
            this.layerName = layerName;
        }

        private void count(long bytes) {
            uncompressed += bytes;
            if (uncompressed > limits.maxUncompressedBytes()) {
                throw new InventoryException("layer " + layerName + ": the image decompresses to more than "
                        + limits.maxUncompressedBytes() + " bytes; refusing it (a decompression bomb?)");
            }
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                count(1);
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                count(read);
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            if (skipped > 0) {
                count(skipped);
            }
            return skipped;
        }
    }
}
