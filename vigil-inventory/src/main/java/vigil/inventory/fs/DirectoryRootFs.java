package vigil.inventory.fs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import vigil.inventory.RootFs;

/**
 * A directory read as a root filesystem. Every path is resolved one component at a time; a symbolic link is
 * read, never followed by the OS, and its target is resolved against this root (absolute targets from the root,
 * {@code ..} never above it), so nothing outside the directory is ever opened.
 */
public final class DirectoryRootFs implements RootFs {
    private static final int MAX_LINKS = 40;

    private final Path root;
    private final String description;

    public DirectoryRootFs(Path root, String description) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.description = requireNonNull(description, "description is null");
    }

    @Override
    public Optional<Path> file(String path) throws IOException {
        Optional<Path> resolved = resolve(path);
        if (resolved.isPresent() && Files.isRegularFile(resolved.get(), LinkOption.NOFOLLOW_LINKS)) {
            return resolved;
        }
        return Optional.empty();
    }

    @Override
    public List<String> list(String path) throws IOException {
        Optional<Path> resolved = resolve(path);
        if (resolved.isEmpty() || !Files.isDirectory(resolved.get(), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(resolved.get())) {
            return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** Resolves {@code path} inside the root, following symbolic links confined to it; empty if absent. */
    public Optional<Path> resolve(String path) throws IOException {
        Deque<String> pending = new ArrayDeque<>(split(path));
        List<String> resolved = new ArrayList<>();
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
                continue;
            }
            Path candidate = toPath(resolved).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links resolving " + path + " in " + description);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                List<String> targetParts = split(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    pending.addFirst(targetParts.get(i));
                }
                continue;
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            resolved.add(part);
        }
        return Optional.of(toPath(resolved));
    }

    private Path toPath(List<String> parts) {
        Path current = root;
        for (String part : parts) {
            current = current.resolve(part);
        }
        return current;
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
