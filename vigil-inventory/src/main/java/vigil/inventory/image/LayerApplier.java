package vigil.inventory.image;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.jspecify.annotations.Nullable;
import vigil.inventory.InventoryException;

/**
 * Applies image layers, in order, to a private directory, keeping only the files scanners read plus every
 * directory and symbolic link. Whiteouts delete what lower layers wrote.
 *
 * <p>Every path the applier writes, removes or links from is resolved one component at a time inside the root, as
 * {@code openat2(RESOLVE_IN_ROOT)} would: a symbolic link is read and its target re-rooted (absolute targets start
 * at the root, {@code ..} stops there, at most {@value #MAX_LINKS} links), so the operating system is only ever
 * handed paths made of real directories inside the root and never follows a link the image made. Resolved
 * directories are cached until a link or a removal could change them, so an entry costs a constant number of
 * system calls.
 */
final class LayerApplier {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final int MAX_LINKS = 40;
    private static final int MAX_WARNINGS_PER_LAYER = 50;
    private static final int CACHE_LIMIT = 1 << 16;

    private final Path root;
    private final Predicate<String> interesting;
    private final ImageLimits limits;
    private final List<String> warnings;
    private final InflationGuard.Budget budget;
    /** Directories already resolved inside the root, by their path as the image names them. */
    private final Map<String, Path> directories = new HashMap<>();
    /**
     * Every file and link this applier made, by real path (some since removed with their directory). Nothing else
     * writes the private root, so a path not here and not seen by {@code File.exists} holds nothing.
     */
    private final Set<Path> nonDirectories = new HashSet<>();

    private long entries;
    private String layerName = "";
    private int layerWarnings;

    LayerApplier(Path root, Predicate<String> interesting, ImageLimits limits, List<String> warnings) {
        this.root = root.toAbsolutePath().normalize();
        this.interesting = interesting;
        this.limits = limits;
        this.warnings = warnings;
        this.budget = new InflationGuard.Budget(limits.maxUncompressedBytes());
    }

    /** Reads one layer blob (gzip, zstd or plain tar, told apart by magic bytes) and applies it. */
    void apply(InputStream blob, String layerName) throws IOException {
        this.layerName = layerName;
        this.layerWarnings = 0;
        // The caller owns the blob stream (it drains it to finish a digest), so closing the tar must not close it.
        InputStream unclosable = new FilterInputStream(blob) {
            @Override
            public void close() {}
        };
        BufferedInputStream buffered = new BufferedInputStream(unclosable, 1 << 16);
        buffered.mark(4);
        byte[] magic = buffered.readNBytes(4);
        buffered.reset();
        InflationGuard.Counting compressed = new InflationGuard.Counting(buffered);
        InputStream tarStream;
        boolean isCompressed = true;
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            try {
                tarStream = new GZIPInputStream(compressed, 1 << 16);
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
            tarStream = new ZstdCompressorInputStream(compressed);
        } else {
            tarStream = compressed;
            isCompressed = false;
        }
        String where = "layer " + layerName;
        Set<String> createdHere = new HashSet<>();
        int skippedSpecial = 0;
        try (GuardedTarInputStream tar = new GuardedTarInputStream(
                new InflationGuard(tarStream, compressed, isCompressed, budget, limits, where), limits, where)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new InventoryException("layer " + layerName + ": more than " + limits.maxEntries()
                            + " entries in the image; refusing it (a tar bomb?)");
                }
                skippedSpecial += applyEntry(entry, tar, createdHere) ? 0 : 1;
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            if (e instanceof InventoryException) {
                throw e;
            }
            throw new InventoryException("layer " + layerName + " is not a readable tar stream: " + e.getMessage(), e);
        } finally {
            directories.clear();
        }
        if (layerWarnings > MAX_WARNINGS_PER_LAYER) {
            warnings.add("layer " + layerName + ": " + (layerWarnings - MAX_WARNINGS_PER_LAYER)
                    + " more entries refused or skipped");
        }
        if (skippedSpecial > 0) {
            warnings.add(
                    "layer " + layerName + ": " + skippedSpecial + " device, fifo or other special entries skipped");
        }
    }

    /** Applies one entry; false when it is a device, fifo or another kind Vigil does not extract. */
    private boolean applyEntry(TarArchiveEntry entry, InputStream content, Set<String> createdHere) throws IOException {
        String entryName = entry.getName();
        if (entryName.length() > limits.maxNameLength() || entry.getLinkName().length() > limits.maxNameLength()) {
            warn("an entry name or link of more than " + limits.maxNameLength() + " characters was skipped ("
                    + printable(entryName.substring(0, Math.min(64, entryName.length()))) + "...)");
            return true;
        }
        List<String> parts = parts(entryName);
        if (parts == null) {
            warn("entry '" + printable(entryName) + "' would leave the image root; refused");
            return true;
        }
        if (parts.isEmpty()) {
            return true;
        }
        for (String part : parts) {
            if (part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                warn("entry '" + printable(entryName) + "' has a name component longer than 255 bytes; skipped");
                return true;
            }
        }
        String name = parts.getLast();
        List<String> parent = parts.subList(0, parts.size() - 1);
        if (name.equals(OPAQUE)) {
            opaque(parent, createdHere);
            return true;
        }
        if (name.startsWith(WHITEOUT)) {
            whiteout(parent, name.substring(WHITEOUT.length()), entryName);
            return true;
        }
        String path = "/" + String.join("/", parts);
        byte type = entry.getLinkFlag();
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            return false;
        } else if (entry.isDirectory()) {
            Path directory = directory(parts, true);
            if (directory == null) {
                warn("directory " + printable(path) + " has no place in the root (a parent is a file or a link loop);"
                        + " skipped");
            } else {
                createdHere.add(key(directory));
            }
        } else if (entry.isSymbolicLink()) {
            symlink(parts, entry.getLinkName(), createdHere);
        } else if (entry.isLink()) {
            hardLink(parts, entry.getLinkName(), createdHere);
        } else if (type == TarArchiveEntry.LF_NORMAL
                || type == TarArchiveEntry.LF_OLDNORM
                || type == TarArchiveEntry.LF_CONTIG
                || entry.isSparse()) {
            if (!interesting.test(path)) {
                removeIfPresent(parts);
                return true;
            }
            long size = Math.max(entry.getSize(), entry.getRealSize());
            if (size > limits.maxEntryBytes()) {
                warn(printable(path) + " is " + size + " bytes, more than the " + limits.maxEntryBytes()
                        + " Vigil keeps; skipped");
                return true;
            }
            file(parts, content, createdHere);
        } else {
            return false;
        }
        return true;
    }

    private void warn(String message) {
        if (++layerWarnings <= MAX_WARNINGS_PER_LAYER) {
            warnings.add("layer " + layerName + ": " + message);
        }
    }

    /** An entry name fit for a one-line message: control characters (newlines, escapes) are shown as '?'. */
    static String printable(String name) {
        StringBuilder result = new StringBuilder(Math.min(name.length(), 256));
        for (int i = 0; i < name.length() && i < 256; i++) {
            char c = name.charAt(i);
            result.append(Character.isISOControl(c) ? '?' : c);
        }
        return name.length() > 256 ? result + "..." : result.toString();
    }

    /** Splits an entry name into components; null when {@code ..} would climb above the root or a NUL appears. */
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

    private String key(Path inRoot) {
        return root.relativize(inRoot).toString();
    }

    /**
     * The real directory for {@code parts} inside the root. Symbolic links are followed the way the container would
     * follow them, but resolved inside the root; with {@code create}, missing directories are made. Null when a
     * component is a file, is missing (without {@code create}) or a link loop is found.
     */
    private @Nullable Path directory(List<String> parts, boolean create) throws IOException {
        if (parts.isEmpty()) {
            return root;
        }
        String lexical = String.join("/", parts);
        Path cached = directories.get(lexical);
        if (cached != null) {
            return cached;
        }
        Path parent = directory(parts.subList(0, parts.size() - 1), create);
        if (parent == null) {
            return null;
        }
        Path resolved = resolve(parent, parts.getLast(), create);
        if (resolved != null) {
            if (directories.size() >= CACHE_LIMIT) {
                directories.clear();
            }
            directories.put(lexical, resolved);
        }
        return resolved;
    }

    /** Resolves one more component {@code name} from the real directory {@code start}, following links in the root. */
    private @Nullable Path resolve(Path start, String name, boolean create) throws IOException {
        List<String> resolved = new ArrayList<>();
        for (Path part : root.relativize(start)) {
            if (!part.toString().isEmpty()) {
                resolved.add(part.toString());
            }
        }
        Deque<String> pending = new ArrayDeque<>();
        pending.add(name);
        Path current = start;
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                current = pathOf(resolved);
                continue;
            }
            Path next = current.resolve(part);
            BasicFileAttributes attributes = attributes(next);
            if (attributes != null && attributes.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    return null;
                }
                String target = Files.readSymbolicLink(next).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                    current = root;
                }
                String[] pieces = target.split("/");
                for (int i = pieces.length - 1; i >= 0; i--) {
                    pending.addFirst(pieces[i]);
                }
                continue;
            }
            if (attributes == null) {
                if (!create) {
                    return null;
                }
                Files.createDirectory(next);
            } else if (!attributes.isDirectory()) {
                return null;
            }
            resolved.add(part);
            current = next;
        }
        return current;
    }

    /**
     * What is at {@code path} (a link itself, not what it points to); null if nothing. A missing path is the common
     * case (most entries of a big layer name nothing kept), and the JDK's no-follow checks throw an exception inside
     * for it, which costs tens of microseconds: {@code File.exists} answers without one, and the only thing it
     * cannot see, a dangling link, exists only if this applier made it and so is in {@link #nonDirectories}.
     */
    private @Nullable BasicFileAttributes attributes(Path path) throws IOException {
        if (!path.toFile().exists() && !nonDirectories.contains(path)) {
            return null;
        }
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private Path pathOf(List<String> parts) {
        Path current = root;
        for (String part : parts) {
            current = current.resolve(part);
        }
        return current;
    }

    /** Where the last component of {@code parts} lives: its resolved parent plus its own name, never followed. */
    private @Nullable Path place(List<String> parts, boolean create) throws IOException {
        Path parent = directory(parts.subList(0, parts.size() - 1), create);
        return parent == null ? null : parent.resolve(parts.getLast());
    }

    private void symlink(List<String> parts, String target, Set<String> createdHere) throws IOException {
        Path place = place(parts, true);
        if (place == null || target.indexOf('\0') >= 0 || target.isEmpty()) {
            warn("symbolic link /" + printable(String.join("/", parts)) + " has no place in the root or no target;"
                    + " skipped");
            return;
        }
        removeTree(place);
        // Created as it is, never followed here: reading resolves it again inside the root.
        Files.createSymbolicLink(place, Path.of(target));
        nonDirectories.add(place);
        directories.clear();
        createdHere.add(key(place));
    }

    private void file(List<String> parts, InputStream content, Set<String> createdHere) throws IOException {
        Path place = place(parts, true);
        if (place == null) {
            warn("no directory for /" + printable(String.join("/", parts)) + "; skipped");
            return;
        }
        removeTree(place);
        nonDirectories.add(place);
        long written = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(
                place, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            int read;
            while ((read = content.read(buffer)) > 0) {
                written += read;
                if (written > limits.maxEntryBytes()) {
                    throw new InventoryException("layer " + layerName + ": /" + printable(String.join("/", parts))
                            + " holds more than the " + limits.maxEntryBytes() + " bytes its header claimed or Vigil"
                            + " keeps; refusing the image");
                }
                out.write(buffer, 0, read);
            }
        }
        createdHere.add(key(place));
    }

    /**
     * A hard link names an entry this image already put in the root, found by in-root resolution of its parents. A
     * regular file is copied, a symbolic link is linked again (as {@code link(2)} would); anything else is refused.
     */
    private void hardLink(List<String> parts, String target, Set<String> createdHere) throws IOException {
        List<String> targetParts = parts(target);
        String path = "/" + String.join("/", parts);
        if (targetParts == null || targetParts.isEmpty()) {
            warn("hard link " + printable(path) + " -> " + printable(target) + " points outside the image root;"
                    + " refused");
            return;
        }
        Path sourceParent = directory(targetParts.subList(0, targetParts.size() - 1), false);
        Path source = sourceParent == null ? null : sourceParent.resolve(targetParts.getLast());
        BasicFileAttributes attributes = source == null ? null : attributes(source);
        if (source == null || attributes == null) {
            if (interesting.test(path)) {
                warn("hard link " + printable(path) + " -> " + printable(target)
                        + " names no file extracted from the image; skipped");
            }
            removeIfPresent(parts);
            return;
        }
        if (attributes.isSymbolicLink()) {
            symlink(parts, Files.readSymbolicLink(source).toString(), createdHere);
            return;
        }
        if (!attributes.isRegularFile()) {
            warn("hard link " + printable(path) + " -> " + printable(target) + " does not name a regular file;"
                    + " refused");
            return;
        }
        if (!interesting.test(path)) {
            removeIfPresent(parts);
            return;
        }
        Path place = place(parts, true);
        if (place == null) {
            warn("no directory for " + printable(path) + "; skipped");
            return;
        }
        if (place.equals(source)) {
            return;
        }
        removeTree(place);
        nonDirectories.add(place);
        Files.copy(source, place, LinkOption.NOFOLLOW_LINKS);
        createdHere.add(key(place));
    }

    /** A later layer's non-kept file replaces whatever lower layers had at its path. */
    private void removeIfPresent(List<String> parts) throws IOException {
        Path place = place(parts, false);
        if (place == null || !nonDirectories.contains(place)) {
            return;
        }
        BasicFileAttributes attributes = attributes(place);
        if (attributes != null && !attributes.isDirectory()) {
            Files.delete(place);
            nonDirectories.remove(place);
            directories.clear();
        }
    }

    /** {@code .wh.NAME} deletes NAME from the layers below; only a plain name in the same directory. */
    private void whiteout(List<String> parent, String victim, String entryName) throws IOException {
        if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
            warn("whiteout '" + printable(entryName) + "' names no entry; refused");
            return;
        }
        if (victim.startsWith(WHITEOUT)) {
            return; // aufs metadata (.wh..wh.plnk and the like), not a deletion
        }
        Path directory = directory(parent, false);
        if (directory != null) {
            removeTree(directory.resolve(victim));
        }
    }

    /** An opaque directory hides everything lower layers put in it; this layer's own entries stay. */
    private void opaque(List<String> parent, Set<String> createdHere) throws IOException {
        Path directory = directory(parent, true);
        if (directory == null) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(directory)) {
            children = list.toList();
        }
        for (Path child : children) {
            if (!createdHere.contains(key(child))) {
                removeTree(child);
            }
        }
    }

    /** Removes a file, link or whole directory at {@code path} (a path inside the root), never following links. */
    private void removeTree(Path path) throws IOException {
        BasicFileAttributes attributes = attributes(path);
        if (attributes == null) {
            return;
        }
        directories.clear();
        if (attributes.isDirectory()) {
            try {
                Files.delete(path);
            } catch (DirectoryNotEmptyException e) {
                ImageRootFs.deleteTree(path);
            }
            return;
        }
        Files.delete(path);
    }
}
