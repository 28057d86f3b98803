package vigil.threats.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When a container started ({@code container.created_at}), as its cgroup's directory tells: a runtime makes the
 * container's cgroup when it starts it, and a cgroup directory's modification time is its creation's. Found from a
 * process of the container ({@code /proc/PID/cgroup} names the directory), once per container: remembered for
 * {@link #MAX} containers; a container whose directory is not found is asked again at most every ten seconds.
 */
final class ContainerClock {
    static final int MAX = 4096;
    private static final long RETRY_NANOS = 10_000_000_000L;

    private final Path proc;
    private final Path cgroupRoot;
    /** Creation time (nanoseconds since the epoch), or minus the monotonic time of a search that found none. */
    private final Map<String, Long> created = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX;
        }
    };

    ContainerClock(Path proc, Path cgroupRoot) {
        this.proc = proc;
        this.cgroupRoot = cgroupRoot;
    }

    /** When container {@code id} (which process {@code pid} runs in) started, or 0 when that cannot be told. */
    long createdAt(String id, int pid) {
        Long known = created.get(id);
        if (known != null && (known > 0 || System.nanoTime() + known < RETRY_NANOS)) {
            return Math.max(known, 0);
        }
        long found = search(id, pid);
        created.put(id, found > 0 ? found : -System.nanoTime());
        return found;
    }

    /**
     * Learns when container {@code id} started from an exec record's cgroup names ({@code /parent/leaf} in the
     * unified hierarchy and in the v1 pids controller), while its first process may be too short-lived for /proc.
     */
    void seen(String id, String cgroupV2, String cgroupV1) {
        Long known = created.get(id);
        if (known != null && known > 0) {
            return;
        }
        long found = time(id, "", cgroupV2);
        if (found == 0) {
            found = time(id, "pids", cgroupV1);
        }
        if (found > 0) {
            created.put(id, found);
        }
    }

    private long search(String id, int pid) {
        String lines;
        try {
            byte[] bytes =
                    Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("cgroup"));
            lines = new String(bytes, 0, Math.min(bytes.length, 64 << 10), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
        for (String line : lines.split("\n")) {
            // "hierarchy:controllers:path"; the unified (v2) hierarchy has no controllers
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0 || !line.contains(id)) {
                continue;
            }
            long found = time(id, line.substring(first + 1, second), line.substring(second + 1));
            if (found > 0) {
                return found;
            }
        }
        return 0;
    }

    /** The time of the directory of cgroup {@code path} (naming container {@code id}) in a hierarchy, or 0. */
    private long time(String id, String controllers, String path) {
        if (!path.startsWith("/") || !path.contains(id) || path.contains("/../") || path.endsWith("/..")) {
            return 0;
        }
        for (Path dir : candidates(controllers, path.substring(1))) {
            try {
                java.time.Instant time = Files.getLastModifiedTime(dir).toInstant();
                return time.getEpochSecond() * 1_000_000_000L + time.getNano();
            } catch (IOException | RuntimeException absent) {
                // mounted elsewhere on this host: the next candidate
            }
        }
        return 0;
    }

    /** Where a hierarchy is mounted on systemd's layouts: unified at the root or under unified/, v1 by controller. */
    private List<Path> candidates(String controllers, String relative) {
        List<Path> dirs = new ArrayList<>();
        if (controllers.isEmpty()) {
            dirs.add(cgroupRoot.resolve(relative));
            dirs.add(cgroupRoot.resolve("unified").resolve(relative));
        } else {
            String name = controllers.startsWith("name=") ? controllers.substring(5) : controllers;
            dirs.add(cgroupRoot.resolve(name).resolve(relative));
        }
        return dirs;
    }
}
