package vigil.threats.sensor.signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * A path as a process with root {@code root} sees it, resolved one component at a time inside that root: a link's
 * absolute target starts again at the root and {@code ..} stops there, so a container's links never lead the agent to
 * a host file (the kernel would resolve them against the agent's own root). At most {@link #MAX_LINKS} links.
 */
final class InRoot {
    static final int MAX_LINKS = 40;

    private InRoot() {}

    /** The file inside {@code root} that {@code path} names, or null when a link loop or limit stops it. */
    static @Nullable Path resolve(Path root, String path) throws IOException {
        Deque<String> pending = new ArrayDeque<>();
        push(pending, path);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                done.pollLast();
                continue;
            }
            Path candidate = join(root, done).resolve(part);
            if (pending.isEmpty() || !Files.isSymbolicLink(candidate)) {
                // the last component is never followed: the caller opens it without following links
                done.addLast(part);
                continue;
            }
            if (++links > MAX_LINKS) {
                return null;
            }
            String target = Files.readSymbolicLink(candidate).toString();
            if (target.startsWith("/")) {
                done.clear();
            }
            push(pending, target);
        }
        return join(root, done);
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }

    private static Path join(Path root, Deque<String> parts) {
        Path out = root;
        for (String part : parts) {
            out = out.resolve(part);
        }
        return out;
    }
}
