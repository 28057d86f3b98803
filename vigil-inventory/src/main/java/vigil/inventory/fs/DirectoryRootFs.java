package vigil.inventory.fs;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import vigil.inventory.FileStat;
import vigil.inventory.InventoryException;
import vigil.inventory.RootFile;
import vigil.inventory.RootFs;

/**
 * A directory read as a root filesystem, resolved as {@code openat2(RESOLVE_IN_ROOT)} would: one component at a
 * time, each opened relative to its already opened parent directory and never through a link ({@code O_NOFOLLOW});
 * a symbolic link is read and its target resolved again from this root (absolute targets from the root, {@code ..}
 * never above it), with a limit on hops. A link swapped in after a component was checked makes the open fail; it
 * can never lead outside the directory. The live host is the directory {@code /}.
 */
public final class DirectoryRootFs implements RootFs {
    private static final int MAX_LINKS = 40;
    /** A directory Vigil lists ({@code status.d}) with more entries than this is not a real one. */
    public static final int MAX_LIST_ENTRIES = 100_000;

    private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    private final Path root;
    private final String description;

    public DirectoryRootFs(Path root, String description) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.description = requireNonNull(description, "description is null");
    }

    @Override
    public Optional<Path> file(String path) throws IOException {
        try (Walk walk = new Walk(path)) {
            Optional<Entry> entry = walk.run();
            if (entry.isPresent()
                    && entry.get().name() != null
                    && entry.get().attributes().isRegularFile()) {
                return Optional.of(walk.location(entry.get().name()));
            }
            return Optional.empty();
        }
    }

    @Override
    public Optional<FileStat> stat(String path) throws IOException {
        try (Walk walk = new Walk(path)) {
            Optional<Entry> entry = walk.run();
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            // every directory on the way was opened without following links, so this path names what was resolved
            String name = entry.get().name();
            Path where = name == null ? walk.here() : walk.location(name);
            Map<String, Object> unix;
            try {
                unix = Files.readAttributes(where, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            BasicFileAttributes attributes = entry.get().attributes();
            FileStat.Kind kind = attributes.isRegularFile()
                    ? FileStat.Kind.FILE
                    : attributes.isDirectory() ? FileStat.Kind.DIRECTORY : FileStat.Kind.OTHER;
            return Optional.of(new FileStat(
                    kind,
                    number(unix.get("mode")) & 07777,
                    number(unix.get("uid")),
                    number(unix.get("gid")),
                    unix.get("size") instanceof Long size ? size : attributes.size()));
        }
    }

    private static int number(@Nullable Object value) throws IOException {
        if (value instanceof Integer number) {
            return number;
        }
        throw new IOException("this file system gives no unix:mode, uid and gid; stat needs Linux");
    }

    /** The longest file name Linux file systems take, in bytes. */
    private static final int NAME_MAX = 255;

    @Override
    public Optional<RootFile> open(String path) throws IOException {
        try (Walk walk = new Walk(path)) {
            Optional<Entry> found = walk.run();
            if (found.isEmpty()
                    || found.get().name() == null
                    || !found.get().attributes().isRegularFile()) {
                return Optional.empty();
            }
            Entry entry = found.get();
            return Optional.of(openChecked(
                    entry.directory(), Path.of(Objects.requireNonNull(entry.name())), entry.attributes(), path));
        }
    }

    /** Opens the regular file {@code name} of {@code directory} found with {@code checked}, without following links. */
    private RootFile openChecked(
            SecureDirectoryStream<Path> directory, Path name, BasicFileAttributes checked, String path)
            throws IOException {
        SeekableByteChannel channel = directory.newByteChannel(name, READ_NO_FOLLOW);
        try {
            // The same file as the one checked: not swapped for a pipe or device between the check and the open.
            BasicFileAttributes now = directory
                    .getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (!now.isRegularFile() || !Objects.equals(now.fileKey(), checked.fileKey())) {
                throw new InventoryException(
                        path + " in " + description + " changed while Vigil opened it; scan it again");
            }
            return new RootFile(channel, channel.size(), path + " in " + description);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The directory resolved once, as {@link #open} resolves a path, and kept open; each entry is then looked up and
     * opened relative to it without following links. An entry that is a symbolic link is resolved from the root
     * like any path ({@link #open}), so it still cannot lead outside.
     */
    @Override
    @SuppressWarnings("StreamResourceLeak") // the opened directory and the walk are closed by the handle's close()
    public Directory directory(String path) throws IOException {
        Walk walk = new Walk(path);
        try {
            Optional<Entry> found = walk.run();
            if (found.isEmpty() || !found.get().attributes().isDirectory()) {
                walk.close();
                return name -> Optional.empty();
            }
            Entry entry = found.get();
            String name = entry.name();
            SecureDirectoryStream<Path> opened = name == null
                    ? null
                    : entry.directory().newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
            return new OpenDirectory(path, walk, opened == null ? entry.directory() : opened, opened);
        } catch (IOException | RuntimeException e) {
            walk.close();
            throw e;
        }
    }

    /** A directory kept open by {@link #directory}: {@code owned}, when not null, is closed before the walk. */
    private final class OpenDirectory implements Directory {
        private final String path;
        private final Walk walk;
        private final SecureDirectoryStream<Path> directory;
        private final @Nullable SecureDirectoryStream<Path> owned;

        OpenDirectory(
                String path,
                Walk walk,
                SecureDirectoryStream<Path> directory,
                @Nullable SecureDirectoryStream<Path> owned) {
            this.path = path;
            this.walk = walk;
            this.directory = directory;
            this.owned = owned;
        }

        @Override
        public Optional<RootFile> open(String name) throws IOException {
            String full = path + "/" + name;
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                return DirectoryRootFs.this.open(full);
            }
            if (tooLong(name)) {
                return Optional.empty();
            }
            Path entry;
            try {
                entry = Path.of(name);
            } catch (InvalidPathException e) {
                return Optional.empty();
            }
            BasicFileAttributes attributes;
            try {
                attributes = directory
                        .getFileAttributeView(entry, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            if (attributes.isSymbolicLink()) {
                return DirectoryRootFs.this.open(full);
            }
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(openChecked(directory, entry, attributes, full));
        }

        @Override
        public void close() throws IOException {
            try {
                if (owned != null) {
                    owned.close();
                }
            } finally {
                walk.close();
            }
        }
    }

    @Override
    public List<String> list(String path) throws IOException {
        try (Walk walk = new Walk(path)) {
            Optional<Entry> found = walk.run();
            if (found.isEmpty() || !found.get().attributes().isDirectory()) {
                return List.of();
            }
            Entry entry = found.get();
            String name = entry.name();
            if (name == null) {
                return names(path, entry.directory());
            }
            try (SecureDirectoryStream<Path> directory =
                    entry.directory().newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS)) {
                return names(path, directory);
            }
        }
    }

    private List<String> names(String path, DirectoryStream<Path> directory) {
        List<String> names = new ArrayList<>();
        for (Path entry : directory) {
            if (names.size() >= MAX_LIST_ENTRIES) {
                throw new InventoryException(path + " in " + description + " has more than " + MAX_LIST_ENTRIES
                        + " entries; it is not a real package database directory");
            }
            names.add(entry.getFileName().toString());
        }
        names.sort(null);
        return names;
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * What a path resolved to: the entry {@code name} of the open {@code directory}, or, when {@code name} is null,
     * that directory itself (the root, or a path ending in {@code ..} or a link to a directory).
     */
    private record Entry(
            SecureDirectoryStream<Path> directory, @Nullable String name, BasicFileAttributes attributes) {}

    /** One resolution: the open directories from the root down to the current one, closed together. */
    private final class Walk implements Closeable {
        private final String path;
        private final List<SecureDirectoryStream<Path>> directories = new ArrayList<>();
        private final List<String> names = new ArrayList<>();

        Walk(String path) {
            this.path = path;
        }

        @SuppressWarnings("StreamResourceLeak") // kept open in directories; close() closes them all
        Optional<Entry> run() throws IOException {
            DirectoryStream<Path> top;
            try {
                top = Files.newDirectoryStream(root);
            } catch (NoSuchFileException | NotDirectoryException e) {
                return Optional.empty();
            }
            if (!(top instanceof SecureDirectoryStream<Path> secure)) {
                top.close();
                throw new IOException("this platform cannot open files relative to an open directory, which Vigil"
                        + " needs to read " + description + " safely; scan it on Linux");
            }
            directories.add(secure);
            Deque<String> pending = new ArrayDeque<>(split(path));
            int links = 0;
            while (!pending.isEmpty()) {
                String part = pending.removeFirst();
                if (part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    up(directories.size() - 2);
                    continue;
                }
                if (tooLong(part)) {
                    return Optional.empty();
                }
                SecureDirectoryStream<Path> current = directories.getLast();
                Path name;
                try {
                    name = Path.of(part);
                } catch (InvalidPathException e) {
                    return Optional.empty();
                }
                BasicFileAttributes attributes;
                try {
                    attributes = current.getFileAttributeView(
                                    name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes();
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
                if (attributes.isSymbolicLink()) {
                    if (++links > MAX_LINKS) {
                        throw new InventoryException(
                                "too many levels of symbolic links resolving " + path + " in " + description);
                    }
                    // Only the link's text is read by path; whatever it says is resolved again inside the root.
                    String target = Files.readSymbolicLink(location(part)).toString();
                    if (target.startsWith("/")) {
                        up(0);
                    }
                    List<String> targetParts = split(target);
                    for (int i = targetParts.size() - 1; i >= 0; i--) {
                        pending.addFirst(targetParts.get(i));
                    }
                    continue;
                }
                if (pending.isEmpty()) {
                    return Optional.of(new Entry(current, part, attributes));
                }
                if (!attributes.isDirectory()) {
                    return Optional.empty();
                }
                directories.add(current.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS));
                names.add(part);
            }
            SecureDirectoryStream<Path> current = directories.getLast();
            return Optional.of(new Entry(
                    current,
                    null,
                    current.getFileAttributeView(BasicFileAttributeView.class).readAttributes()));
        }

        /** Closes the directories deeper than {@code depth} (0: back at the root; never above it). */
        private void up(int depth) throws IOException {
            int keep = Math.max(depth, 0) + 1;
            while (directories.size() > keep) {
                directories.removeLast().close();
                names.removeLast();
            }
        }

        /** The path of the current directory. */
        Path here() {
            Path current = root;
            for (String part : names) {
                current = current.resolve(part);
            }
            return current;
        }

        /** The path of {@code name} in the current directory, for messages and for reading a link's text. */
        Path location(String name) {
            return here().resolve(name);
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            for (SecureDirectoryStream<Path> directory : directories.reversed()) {
                try {
                    directory.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            directories.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** No file system holds such a name; a hostile package database can still ask for one (ENAMETOOLONG). */
    private static boolean tooLong(String name) {
        // a char takes at most 3 bytes in UTF-8 (a surrogate pair 4 for 2): short names need no encoding
        return name.length() > NAME_MAX / 3 && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX;
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
