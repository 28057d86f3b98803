package vigil.inventory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only root filesystem confined to its root: a live host ({@code /}), a directory, or the flattened layers
 * of an image. Paths are absolute and written as inside the target ({@code /var/lib/dpkg/status}); every component
 * is resolved inside the root (symbolic links read and re-rooted, {@code ..} clamped at the root), so a link can
 * never lead outside it. Readers read through {@link #open}: it hands out the file it resolved, already open.
 */
public interface RootFs extends Closeable {
    /**
     * Where the regular file at {@code path} is, for messages and tests; empty if absent. Never read through this
     * path: the OS would resolve it again, following whatever links are there by then. Use {@link #open}.
     */
    Optional<Path> file(String path) throws IOException;

    /**
     * The regular file at {@code path}, resolved inside the root and opened without following links; empty if it is
     * absent or not a regular file (a directory, a device, a pipe). The default opens the path {@link #file} gives
     * with {@code NOFOLLOW_LINKS} and checks it is still a regular file: enough for a root nobody else writes to
     * (an image's private directory); {@link vigil.inventory.fs.DirectoryRootFs} opens every component relative
     * to its already opened parent.
     */
    default Optional<RootFile> open(String path) throws IOException {
        Optional<Path> file = file(path);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        BasicFileAttributes before =
                Files.readAttributes(file.get(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!before.isRegularFile()) {
            return Optional.empty();
        }
        SeekableByteChannel channel = Files.newByteChannel(
                file.get(), Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        return Optional.of(new RootFile(channel, channel.size(), path + " in " + describe()));
    }

    /**
     * The directory at {@code path}, to open several of its entries: a package database's per-package files (dpkg's
     * {@code info/*.list}, hundreds of them) each resolved from the root cost a walk down the whole path per file.
     * An entry is opened as {@link #open} would open {@code path/name}. The default does exactly that;
     * {@link vigil.inventory.fs.DirectoryRootFs} resolves the directory once and opens entries relative to it.
     */
    default Directory directory(String path) throws IOException {
        return name -> open(path + "/" + name);
    }

    /** Entries of one directory of a root: see {@link #directory}. */
    interface Directory extends Closeable {
        /**
         * The regular file {@code name} of this directory, as {@link RootFs#open} gives {@code path/name}: resolved
         * inside the root, opened without following links; empty if it is absent or not a regular file.
         */
        Optional<RootFile> open(String name) throws IOException;

        @Override
        default void close() throws IOException {}
    }

    /**
     * What {@code stat} says of the file or directory at {@code path}, resolved inside the root with links followed
     * there; empty if absent. Metadata only: nothing is read. The default says nothing (a root that keeps no owners).
     */
    default Optional<FileStat> stat(String path) throws IOException {
        return Optional.empty();
    }

    /** Names of the entries of the directory at {@code path}, sorted; empty if it is absent or not a directory. */
    List<String> list(String path) throws IOException;

    /** How to name this root in messages ("host /", "rootfs ./debian", "image alpine.tar"). */
    String describe();

    @Override
    default void close() throws IOException {}
}
