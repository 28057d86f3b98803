package vigil.inventory.image;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import vigil.inventory.InventoryException;

/** The files of an image archive or layout, by their relative path, whatever holds them. */
interface BlobSource extends Closeable {
    Optional<InputStream> open(String path) throws IOException;

    /** Whether the image holds a file at {@code path}, without opening it. */
    default boolean exists(String path) throws IOException {
        Optional<InputStream> input = open(path);
        if (input.isPresent()) {
            input.get().close();
            return true;
        }
        return false;
    }

    String describe();

    /** An image laid out in a directory (an OCI layout, or an unpacked docker save). */
    static BlobSource directory(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return new BlobSource() {
            @Override
            public Optional<InputStream> open(String path) throws IOException {
                Path file = base.resolve(path).normalize();
                if (!file.startsWith(base)) {
                    throw new InventoryException("image " + base + ": path '" + path + "' leaves the image directory");
                }
                for (Path part = file; part != null && !part.equals(base); part = part.getParent()) {
                    if (Files.isSymbolicLink(part)) {
                        throw new InventoryException("image " + base + ": '" + path + "' goes through a symbolic link");
                    }
                }
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.empty();
                }
                return Optional.of(Files.newInputStream(file));
            }

            @Override
            public String describe() {
                return base.toString();
            }

            @Override
            public void close() {}
        };
    }

    /**
     * An image in a tar file (docker save, OCI archive), read with random access by entry name. The index is built
     * in one streaming pass that applies the entry, header and name limits before an entry is indexed, so it never
     * holds more than {@link ImageLimits#maxEntries()} names.
     */
    static BlobSource tar(Path file, ImageLimits limits) throws IOException {
        record Span(long offset, long size) {}
        Map<String, Span> entries = new HashMap<>();
        String where = "image " + file;
        try (InputStream raw = Files.newInputStream(file);
                InflationGuard.Counting position = new InflationGuard.Counting(new BufferedInputStream(raw, 1 << 16));
                GuardedTarInputStream tar = new GuardedTarInputStream(position, limits, where)) {
            long count = 0;
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++count > limits.maxEntries()) {
                    throw new InventoryException(
                            where + " has more than " + limits.maxEntries() + " entries, more than Vigil reads");
                }
                byte type = entry.getLinkFlag();
                boolean plainFile = (type == TarArchiveEntry.LF_NORMAL || type == TarArchiveEntry.LF_OLDNORM)
                        && !entry.isSparse()
                        && !entry.isDirectory();
                if (plainFile && entry.getName().length() <= limits.maxNameLength()) {
                    // TarArchiveInputStream reads whole 512-byte records, so the count is where the data starts.
                    entries.put(normalize(entry.getName()), new Span(position.count(), entry.getSize()));
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            if (e instanceof InventoryException) {
                throw e;
            }
            throw new InventoryException(where + " is not a readable tar archive: " + e.getMessage(), e);
        }
        return new BlobSource() {
            @Override
            public Optional<InputStream> open(String path) throws IOException {
                Span span = entries.get(normalize(path));
                if (span == null) {
                    return Optional.empty();
                }
                SeekableByteChannel channel = Files.newByteChannel(file);
                channel.position(span.offset());
                return Optional.of(new Bounded(Channels.newInputStream(channel), span.size()));
            }

            @Override
            public String describe() {
                return file.toString();
            }

            @Override
            public void close() {}
        };
    }

    /** The {@code size} bytes of one archive entry. */
    final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream input, long size) {
            super(input);
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int value = super.read();
            if (value >= 0) {
                left--;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = super.read(buffer, offset, (int) Math.min(length, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }
    }

    private static String normalize(String name) {
        String result = name;
        while (result.startsWith("./")) {
            result = result.substring(2);
        }
        while (result.startsWith("/")) {
            result = result.substring(1);
        }
        return result;
    }
}
