package vigil.threats.sensor.signal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vigil.threats.sensor.Containers;

/**
 * Carries out a rule's {@code kill} and {@code hash} actions, as Datadog's agent does: {@code kill} sends a signal to
 * the process (scope {@code process}) or to every process of its container (scope {@code container}) with
 * {@code kill(2)}, called through the FFM API; {@code hash} takes the SHA-256 of the event's file as the process sees
 * it ({@code /proc/PID/root/...}, so a container's file, not the host's), up to {@link #MAX_HASHED} bytes. Never
 * kills process 1, a kernel thread's pid 0, or this agent; {@code enforce=false} reports what it would do instead.
 */
public final class Actions {
    static final long MAX_HASHED = 32L << 20;
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(
            Map.entry("SIGHUP", 1),
            Map.entry("SIGINT", 2),
            Map.entry("SIGQUIT", 3),
            Map.entry("SIGABRT", 6),
            Map.entry("SIGKILL", 9),
            Map.entry("SIGUSR1", 10),
            Map.entry("SIGSEGV", 11),
            Map.entry("SIGUSR2", 12),
            Map.entry("SIGPIPE", 13),
            Map.entry("SIGALRM", 14),
            Map.entry("SIGTERM", 15),
            Map.entry("SIGSTOP", 19));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle KILL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private final Path proc;
    private final boolean enforce;
    private final long self = ProcessHandle.current().pid();

    public Actions(Path proc, boolean enforce) {
        this.proc = proc;
        this.enforce = enforce;
    }

    /** The signal named by a rule ({@code SIGKILL}, {@code kill}, {@code 9}), or -1 when it is not one. */
    static int signalNumber(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        Integer number = SIGNALS.get(upper.startsWith("SIG") ? upper : "SIG" + upper);
        if (number != null) {
            return number;
        }
        try {
            int n = Integer.parseInt(upper);
            return n >= 1 && n <= 31 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code kill} with {@code signal} on process {@code pid}, or on its container's processes. */
    public Signal.ActionResult kill(
            long pid, String signal, String scope, @org.jspecify.annotations.Nullable String containerId) {
        int number = signalNumber(signal);
        if (number < 0) {
            return new Signal.ActionResult("kill", "failed", "'" + signal + "' is not a signal Vigil sends");
        }
        List<Long> targets = new ArrayList<>();
        if (scope.equals("container")) {
            if (containerId == null) {
                return new Signal.ActionResult(
                        "kill", "skipped", "scope container, and process " + pid + " runs in no container");
            }
            targets.addAll(containerProcesses(containerId));
        } else {
            targets.add(pid);
        }
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (long target : targets) {
            if (target <= 1 || target == self) {
                failed.add(target + " (protected)");
                continue;
            }
            if (!enforce) {
                done.add(Long.toString(target));
                continue;
            }
            int errno = send((int) target, number);
            if (errno == 0) {
                done.add(Long.toString(target));
            } else {
                failed.add(
                        target + " (" + (errno == 3 ? "gone" : errno == 1 ? "not permitted" : "errno " + errno) + ")");
            }
        }
        String name = signal.toUpperCase(Locale.ROOT).startsWith("SIG")
                ? signal.toUpperCase(Locale.ROOT)
                : "signal " + number;
        String detail = (enforce ? name + " sent to " : name + " not sent (enforcement off) to ")
                + String.join(", ", done)
                + (failed.isEmpty() ? "" : "; not to " + String.join(", ", failed));
        String result = !enforce
                ? "skipped"
                : failed.isEmpty() && !done.isEmpty() ? "done" : done.isEmpty() ? "failed" : "done";
        return new Signal.ActionResult("kill", result, detail);
    }

    private static int send(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) KILL.invokeExact(state, pid, signal);
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            return -1;
        }
    }

    private List<Long> containerProcesses(String containerId) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(
                proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path entry : entries) {
                try {
                    String cgroup = Files.readString(entry.resolve("cgroup"));
                    Containers.Container container = Containers.parse(cgroup);
                    if (container != null && container.id().equals(containerId)) {
                        pids.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while the walk read it
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to kill
        }
        return pids;
    }

    /**
     * The SHA-256 of {@code path} as process {@code pid} sees it: through its root, without following a final link,
     * a regular file of at most {@link #MAX_HASHED} bytes.
     */
    public Signal.ActionResult hash(long pid, String path) {
        return hash(pid, path, true);
    }

    private static Signal.ActionResult digest(String path, Path file) throws IOException, NoSuchAlgorithmException {
        long size = Files.size(file);
        if (size > MAX_HASHED) {
            return new Signal.ActionResult(
                    "hash", "skipped", path + " has " + size + " bytes, more than the " + MAX_HASHED + " hashed");
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 << 10];
        long read = 0;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0 && read <= MAX_HASHED; read += n) {
                digest.update(buffer, 0, n);
            }
        }
        return new Signal.ActionResult(
                "hash", "done", path + " sha256:" + HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * The same; {@code hostProcess} says whether the process ran on the host, whose file is the host's file at the
     * same path when the process is gone (killed, or short-lived): a container's file is not, and is then not hashed.
     */
    public Signal.ActionResult hash(long pid, String path, boolean hostProcess) {
        if (path.isEmpty() || !path.startsWith("/")) {
            return new Signal.ActionResult("hash", "skipped", "the event has no absolute file path to hash");
        }
        try {
            Path root = proc.resolve(Long.toString(pid)).resolve("root");
            Path file = null;
            if (Files.isDirectory(root)) {
                try {
                    file = InRoot.resolve(root, path);
                } catch (IOException goneWhileRead) {
                    file = null;
                }
            }
            if ((file == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) && !Files.isDirectory(root)) {
                // the process is gone (or went while its root was read): its root with it
                if (!hostProcess) {
                    return new Signal.ActionResult(
                            "hash", "failed", path + ": the process and its container's root are gone");
                }
                file = InRoot.resolve(Path.of("/"), path);
            }
            if (file == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return new Signal.ActionResult("hash", "failed", path + " is not a regular file (or is gone)");
            }
            try {
                return digest(path, file);
            } catch (IOException goneWhileRead) {
                // the process went between resolving its root and reading (a kill action before this one): a host
                // process's file is the host's file at the same path
                if (!hostProcess || Files.isDirectory(root) || !file.startsWith(root)) {
                    throw goneWhileRead;
                }
                Path host = InRoot.resolve(Path.of("/"), path);
                if (host == null || !Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
                    throw goneWhileRead;
                }
                return digest(path, host);
            }
        } catch (IOException | RuntimeException e) {
            return new Signal.ActionResult("hash", "failed", path + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
