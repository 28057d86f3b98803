package vigil.inventory.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
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

    /** An image in a tar file (docker save, OCI archive), read with random access by entry name. */
    static BlobSource tar(Path file, long maxEntries) throws IOException {
        SeekableByteChannel channel = Files.newByteChannel(file);
        TarFile tar;
        try {
            tar = new TarFile(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new InventoryException("image " + file + " is not a readable tar archive: " + e.getMessage(), e);
        }
        if (tar.getEntries().size() > maxEntries) {
            tar.close();
            throw new InventoryException("image " + file + " has "
                    + tar.getEntries().size() + " entries, more than the " + maxEntries + " Vigil reads");
        }
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        for (TarArchiveEntry entry : tar.getEntries()) {
            if (entry.isFile()) {
                entries.put(normalize(entry.getName()), entry);
            }
        }
        return new BlobSource() {
            @Override
            public Optional<InputStream> open(String path) throws IOException {
                TarArchiveEntry entry = entries.get(normalize(path));
                return entry == null ? Optional.empty() : Optional.of(tar.getInputStream(entry));
            }

            @Override
            public String describe() {
                return file.toString();
            }

            @Override
            public void close() throws IOException {
                tar.close();
            }
        };
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
