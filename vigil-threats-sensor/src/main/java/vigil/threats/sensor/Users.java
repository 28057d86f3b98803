package vigil.threats.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * User and group names of the host ({@code /etc/passwd}, {@code /etc/group}), for {@code process.user} and
 * {@code process.group}: read again when a file changes (checked at most once a second). A container's own users
 * are not here: their names stay unknown rather than wrong. One thread.
 */
public final class Users {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final long MAX_FILE = 8L << 20;

    private final Path passwd;
    private final Path group;
    private Map<Integer, String> users = Map.of();
    private Map<Integer, String> groups = Map.of();
    private long passwdStamp = -1;
    private long groupStamp = -1;
    private long checked = Long.MIN_VALUE;

    public Users(Path etc) {
        this.passwd = etc.resolve("passwd");
        this.group = etc.resolve("group");
    }

    public @Nullable String user(long uid) {
        refresh();
        return users.get((int) uid);
    }

    public @Nullable String group(long gid) {
        refresh();
        return groups.get((int) gid);
    }

    private void refresh() {
        long now = System.nanoTime();
        if (checked != Long.MIN_VALUE && now - checked < RECHECK_NANOS) {
            return;
        }
        checked = now;
        long stamp = stamp(passwd);
        if (stamp != passwdStamp) {
            passwdStamp = stamp;
            users = read(passwd);
        }
        stamp = stamp(group);
        if (stamp != groupStamp) {
            groupStamp = stamp;
            groups = read(group);
        }
    }

    private static long stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code name:x:id:...} lines: the name by id; the first name of an id wins, as getpwuid answers. */
    static Map<Integer, String> parse(String text) {
        Map<Integer, String> names = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split(":", 4);
            if (parts.length < 3 || parts[0].isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                names.putIfAbsent((int) Long.parseLong(parts[2]), parts[0]);
            } catch (NumberFormatException e) {
                // not an account line: skipped, as libc skips it
            }
        }
        return Map.copyOf(names);
    }

    private static Map<Integer, String> read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE) {
                return Map.of();
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }
}
