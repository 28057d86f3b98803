package vigil.threats.sensor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which container a process runs in, read from its {@code /proc/PID/cgroup} as Datadog's agent and Falco do: the
 * runtimes put the container's 64-hex id in the cgroup path ({@code /docker/ID}, {@code docker-ID.scope},
 * {@code cri-containerd-ID.scope}, {@code crio-ID.scope}, {@code libpod-ID.scope}, containerd's
 * {@code ...slice:cri-containerd:ID}). The process cache reads it when it first sees a process and at each exec.
 */
public final class Containers {
    private static final Pattern ID = Pattern.compile(
            "(?:^|[/:])(?:(docker|cri-containerd|crio|libpod|containerd)[-:]|(docker|kubepods[^/]*|containerd|crio)/)?"
                    + "([0-9a-f]{64})(?:\\.scope)?(?:/|$)");

    /** A container: its id and the runtime named by its cgroup path ({@code docker}, {@code containerd}, ...). */
    public record Container(String id, String runtime) {}

    private Containers() {}

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
