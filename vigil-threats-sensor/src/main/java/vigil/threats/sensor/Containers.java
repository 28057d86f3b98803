package vigil.threats.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which container a process runs in, read from its {@code /proc/PID/cgroup} as Datadog's agent and Falco do: the
 * runtimes put the container's 64-hex id in the cgroup path ({@code /docker/ID}, {@code docker-ID.scope},
 * {@code cri-containerd-ID.scope}, {@code crio-ID.scope}, {@code libpod-ID.scope}, containerd's {@code ...slice:cri-containerd:ID}). Cached by the kernel's cgroup id,
 * so a container's processes cost one read; bounded. One thread.
 */
public final class Containers {
    static final int MAX_CGROUPS = 4_096;
    private static final Pattern ID = Pattern.compile(
            "(?:^|[/:])(?:(docker|cri-containerd|crio|libpod|containerd)[-:]|(docker|kubepods[^/]*|containerd|crio)/)?"
                    + "([0-9a-f]{64})(?:\\.scope)?(?:/|$)");

    /** A container: its id and the runtime named by its cgroup path ({@code docker}, {@code containerd}, ...). */
    public record Container(String id, String runtime) {}

    private static final Container NONE = new Container("", "");

    private final Path proc;
    private final Map<Long, Container> byCgroup = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Container> eldest) {
            return size() > MAX_CGROUPS;
        }
    };

    public Containers(Path proc) {
        this.proc = proc;
    }

    /** The container of process {@code pid} in cgroup {@code cgroupId}; none for a host process or one gone. */
    public @Nullable Container of(int pid, long cgroupId) {
        Container known = cgroupId == 0 ? null : byCgroup.get(cgroupId);
        if (known == null) {
            known = read(pid);
            if (known == null) {
                return null; // the process is gone: unknown, not cached
            }
            if (cgroupId != 0) {
                byCgroup.put(cgroupId, known);
            }
        }
        return known == NONE ? null : known;
    }

    private @Nullable Container read(int pid) {
        String text;
        try {
            byte[] bytes =
                    Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("cgroup"));
            text = new String(bytes, 0, Math.min(bytes.length, 64 << 10), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Container found = parse(text);
        return found == null ? NONE : found;
    }

    /** The container a {@code /proc/PID/cgroup} text names, or null for none. */
    public static @Nullable Container parse(String cgroupFile) {
        for (String line : cgroupFile.split("\n")) {
            int colon = line.indexOf(':', line.indexOf(':') + 1);
            String path = colon < 0 ? line : line.substring(colon + 1);
            Matcher matcher = ID.matcher(path);
            if (matcher.find()) {
                String prefix = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
                return new Container(matcher.group(3), runtime(prefix, path));
            }
        }
        return null;
    }

    private static String runtime(@Nullable String prefix, String path) {
        if (prefix == null) {
            return path.contains("kubepods") ? "cri" : "unknown";
        }
        if (prefix.startsWith("kubepods")) {
            return path.contains("crio") ? "cri-o" : path.contains("containerd") ? "containerd" : "cri";
        }
        return switch (prefix) {
            case "cri-containerd", "containerd" -> "containerd";
            case "crio" -> "cri-o";
            case "libpod" -> "podman";
            default -> "docker";
        };
    }
}
