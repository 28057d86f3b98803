package vigil.threats.sensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the sensor knows of each running process, as rules read it (its file, arguments, ids and ancestors): filled
 * by a walk of {@code /proc} at start, then kept by the sensor's fork, exec and exit records. Bounded: at most
 * {@link #MAX_PROCESSES} entries (a fork storm beyond it forgets the oldest), ancestors at most {@link #MAX_DEPTH}
 * deep. One thread.
 */
public final class ProcessCache {
    static final int MAX_PROCESSES = 65_536;
    static final int MAX_DEPTH = 64;

    /**
     * A process: its pid and parent's, its executable's path, arguments (argv), command name, real ids and the
     * {@link Details} an exec (or /proc) told.
     */
    public record CachedProcess(
            int pid, int ppid, String path, List<String> argv, String comm, int uid, int gid, Details details) {
        public CachedProcess {
            argv = List.copyOf(argv);
        }

        /** A process of which only the ids are known. */
        public CachedProcess(int pid, int ppid, String path, List<String> argv, String comm, int uid, int gid) {
            this(pid, ppid, path, argv, comm, uid, gid, Details.unknown(uid, gid));
        }

        /** The executable's name: the last part of its path, or the command name when the path is unknown. */
        public String name() {
            return path.isEmpty() ? comm : path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /**
     * A process's credentials beyond its ids, its terminal, its environment as rules read it ({@link Environments}),
     * its executable's inode, for a script its interpreter's path and inode (empty and {@code NONE} otherwise), and
     * whether no path reaches its executable (a memfd's: rules read its path as empty, its name as the memfd's).
     */
    public record Details(
            SensorRecord.Credentials credentials,
            String tty,
            List<String> envs,
            boolean envsCut,
            SensorRecord.FileStat file,
            String interpreterPath,
            SensorRecord.FileStat interpreter,
            boolean pathless) {
        public Details {
            envs = List.copyOf(envs);
        }

        static Details unknown(int uid, int gid) {
            return new Details(
                    new SensorRecord.Credentials(uid, gid, uid, gid, 0, 0, SensorRecord.Credentials.AUID_UNSET),
                    "",
                    List.of(),
                    false,
                    SensorRecord.FileStat.NONE,
                    "",
                    SensorRecord.FileStat.NONE,
                    false);
        }
    }

    private final Map<Integer, CachedProcess> processes = new java.util.LinkedHashMap<>();
    /**
     * Each known process's working directory: read from /proc when first seen, inherited at fork, moved by the
     * chdir calls the sensor records; so a short-lived process's relative paths resolve after it is gone.
     */
    private final Map<Integer, String> cwds = new HashMap<>();
    /**
     * Each known process's container (or {@link #HOST}): read from /proc when first seen and again at exec (a runtime
     * moves its process into the container's cgroup before it runs the entrypoint), inherited at fork. Not by the
     * record's cgroup id: on a host with cgroup v1 every process has the same v2 id.
     */
    private final Map<Integer, Containers.Container> containers = new HashMap<>();

    private static final Containers.Container HOST = new Containers.Container("", "");

    private final Path proc;
    private final ContainerClock clock;

    private ProcessCache(Path proc, Path cgroupRoot) {
        this.proc = proc;
        this.clock = new ContainerClock(proc, cgroupRoot);
    }

    /** The processes running now, read from {@code proc} (normally {@code /proc}); unreadable ones are skipped. */
    public static ProcessCache fromProc(Path proc) {
        return fromProc(proc, Path.of("/sys/fs/cgroup"));
    }

    /** As {@link #fromProc(Path)}, with the cgroup hierarchies mounted under {@code cgroupRoot}. */
    public static ProcessCache fromProc(Path proc, Path cgroupRoot) {
        ProcessCache cache = new ProcessCache(proc, cgroupRoot);
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path entry : entries) {
                CachedProcess process =
                        cache.read(Integer.parseInt(entry.getFileName().toString()));
                if (process != null) {
                    cache.put(process);
                }
            }
        } catch (IOException e) {
            throw new SensorException("cannot list the processes in " + proc + ": " + e.getMessage());
        }
        return cache;
    }

    private static boolean isPid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A process from its {@code /proc} entry, or null when it is gone or unreadable. */
    @Nullable
    CachedProcess read(int pid) {
        Path dir = proc.resolve(Integer.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            // "pid (comm) state ppid ...": the command name may hold spaces and parentheses; it ends at the last ')'
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                return null;
            }
            String comm = stat.substring(open + 1, close);
            String[] rest = stat.substring(close + 2).split(" ");
            int ppid = rest.length > 1 ? Integer.parseInt(rest[1]) : 0;
            int ttyNumber = rest.length > 4 ? Integer.parseInt(rest[4]) : 0;
            // "Uid:" real, effective, saved, file-system; "Gid:" likewise; capability sets in hexadecimal
            long[] uids = {0, 0, 0, 0};
            long[] gids = {0, 0, 0, 0};
            long capEffective = 0;
            long capPermitted = 0;
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    uids = ids(line);
                } else if (line.startsWith("Gid:")) {
                    gids = ids(line);
                } else if (line.startsWith("CapEff:")) {
                    capEffective = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                } else if (line.startsWith("CapPrm:")) {
                    capPermitted = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
            String path = "";
            try {
                path = Files.readSymbolicLink(dir.resolve("exe")).toString();
            } catch (IOException | UnsupportedOperationException e) {
                // a kernel thread has no executable
            }
            List<String> argv = Records.argv(Files.readAllBytes(dir.resolve("cmdline")));
            Details details = new Details(
                    new SensorRecord.Credentials(
                            (int) uids[1],
                            (int) gids[1],
                            (int) uids[3],
                            (int) gids[3],
                            capEffective,
                            capPermitted,
                            loginUid(dir)),
                    Terminals.name(ttyNumber),
                    environment(dir),
                    false,
                    path.isEmpty() ? SensorRecord.FileStat.NONE : FileStats.of(dir.resolve("exe")),
                    "",
                    SensorRecord.FileStat.NONE,
                    false);
            return new CachedProcess(pid, ppid, path, argv, comm, (int) uids[0], (int) gids[0], details);
        } catch (IOException | RuntimeException e) {
            return null; // gone while read, or not a process's entry
        }
    }

    /** The four ids of a status line ("Uid:\t0\t0\t0\t0"), unsigned. */
    private static long[] ids(String line) {
        String[] parts = line.substring(4).trim().split("\\s+");
        long[] ids = new long[4];
        for (int i = 0; i < 4 && i < parts.length; i++) {
            ids[i] = Long.parseLong(parts[i]);
        }
        return ids;
    }

    private static int loginUid(Path dir) {
        try {
            return (int)
                    Long.parseLong(Files.readString(dir.resolve("loginuid")).trim());
        } catch (IOException | RuntimeException e) {
            return SensorRecord.Credentials.AUID_UNSET; // a kernel without audit has no loginuid
        }
    }

    /** The first 4,095 bytes of a process's environment, as the sensor reads an exec's, for rules. */
    private static List<String> environment(Path dir) {
        try (java.io.InputStream in = Files.newInputStream(dir.resolve("environ"))) {
            byte[] bytes = in.readNBytes(Records.ENV_MAX - 1);
            boolean cut = bytes.length == Records.ENV_MAX - 1 && in.read() >= 0;
            return Environments.forRules(Records.argv(bytes), cut);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private void put(CachedProcess process) {
        processes.remove(process.pid());
        processes.put(process.pid(), process);
        if (processes.size() > MAX_PROCESSES) {
            int eldest = processes.keySet().iterator().next();
            processes.remove(eldest);
            cwds.remove(eldest);
            containers.remove(eldest);
        }
        if (!containers.containsKey(process.pid())) {
            Containers.Container container = readContainer(process.pid());
            if (container != null) {
                containers.put(process.pid(), container);
            }
        }
        if (!cwds.containsKey(process.pid())) {
            String cwd = readCwd(process.pid());
            if (!cwd.isEmpty()) {
                cwds.put(process.pid(), cwd);
            }
        }
    }

    private String readCwd(int pid) {
        try {
            return Files.readSymbolicLink(proc.resolve(Integer.toString(pid)).resolve("cwd"))
                    .toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The container in {@code /proc/PID/cgroup}, {@link #HOST} for none, null when the process is gone. */
    private Containers.@Nullable Container readContainer(int pid) {
        try {
            byte[] bytes =
                    Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("cgroup"));
            Containers.Container found =
                    Containers.parse(new String(bytes, 0, Math.min(bytes.length, 64 << 10), StandardCharsets.UTF_8));
            return found == null ? HOST : found;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The container an exec record's cgroup names, or {@link #HOST}: as the kernel had it when the program started. */
    private static Containers.Container fromRecord(SensorRecord.Exec exec) {
        Containers.Container found = Containers.parse("0::" + exec.cgroupV2());
        if (found == null) {
            found = Containers.parse("1:pids:" + exec.cgroupV1());
        }
        return found == null ? HOST : found;
    }

    /** The container process {@code pid} runs in, or null for a host process (or one never seen and gone). */
    public Containers.@Nullable Container container(int pid) {
        Containers.Container known = containers.get(pid);
        if (known == null) {
            known = readContainer(pid);
        }
        return known == null || known == HOST ? null : known;
    }

    /** When {@code container}, which process {@code pid} runs in, started (nanoseconds since the epoch); 0 if unknown. */
    public long containerCreatedAt(Containers.Container container, int pid) {
        return clock.createdAt(container.id(), pid);
    }

    /** The working directory of {@code pid} as last known, else as /proc says now; empty when neither knows. */
    public String cwd(int pid) {
        String known = cwds.get(pid);
        return known != null ? known : readCwd(pid);
    }

    public @Nullable CachedProcess get(int pid) {
        return processes.get(pid);
    }

    /** How many processes it knows. */
    public int size() {
        return processes.size();
    }

    /** The parent, its parent and so on, nearest first (not the process itself); a cycle or a gap ends it. */
    public List<CachedProcess> ancestors(int pid) {
        List<CachedProcess> ancestors = new ArrayList<>();
        CachedProcess process = processes.get(pid);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        seen.add(pid);
        while (process != null && ancestors.size() < MAX_DEPTH && seen.add(process.ppid())) {
            process = processes.get(process.ppid());
            if (process != null) {
                ancestors.add(process);
            }
        }
        return ancestors;
    }

    /** Keeps the cache up to date with a record: a fork copies its parent, an exec replaces the program. */
    public void apply(SensorRecord record) {
        SensorRecord.Header h = record.header();
        switch (record) {
            case SensorRecord.Fork fork -> {
                CachedProcess parent = known(h.pid(), h);
                String cwd = cwds.get(h.pid());
                if (cwd != null) {
                    cwds.put(fork.childPid(), cwd);
                }
                Containers.Container container = containers.get(h.pid());
                if (container != null) {
                    containers.put(fork.childPid(), container);
                }
                put(new CachedProcess(
                        fork.childPid(),
                        h.pid(),
                        parent.path(),
                        parent.argv(),
                        parent.comm(),
                        h.uid(),
                        h.gid(),
                        parent.details()));
            }
            case SensorRecord.Exec exec -> {
                // the kernel's own resolution of the executed file when the record has it: no /proc reads, and no
                // race with a link changed after the exec (ADR 0049)
                SensorRecord.ExecDetails given = exec.details();
                boolean script = given.interpreter();
                String path = exec.filePath().startsWith("/") && !script
                        ? exec.filePath()
                        : exec.filename().startsWith("/")
                                ? canonical(h.pid(), exec.filename())
                                : executable(h.pid(), exec.filename());
                Details details = new Details(
                        given.credentials(),
                        given.tty(),
                        Environments.forRules(given.environment(), given.environmentCut()),
                        given.environmentCut(),
                        script ? scriptStat(h.pid(), path) : given.file(),
                        script ? exec.filePath() : "",
                        script ? given.file() : SensorRecord.FileStat.NONE,
                        given.pathless() && !script);
                if (!given.file().known() && !script) {
                    // a source that reads no more than the header (the fallback's proc connector): /proc has the
                    // rest while the process lives
                    CachedProcess now = read(h.pid());
                    if (now != null) {
                        details = now.details();
                    }
                }
                put(new CachedProcess(h.pid(), h.ppid(), path, exec.args(), h.comm(), h.uid(), h.gid(), details));
                Containers.Container container =
                        exec.cgroupV2().isEmpty() && exec.cgroupV1().isEmpty()
                                ? readContainer(h.pid())
                                : fromRecord(exec);
                if (container != null) {
                    containers.put(h.pid(), container);
                    if (container != HOST) {
                        clock.seen(container.id(), exec.cgroupV2(), exec.cgroupV1());
                    }
                }
            }
            case SensorRecord.Exit exit -> {
                processes.remove(h.pid());
                cwds.remove(h.pid());
                containers.remove(h.pid());
            }
            case SensorRecord.Open open -> known(h.pid(), h);
            case SensorRecord.Connect connect -> known(h.pid(), h);
            case SensorRecord.Bind bind -> known(h.pid(), h);
            case SensorRecord.Syscall call -> {
                known(h.pid(), h);
                if (Syscalls.name(call.nr()).equals("chdir") && !call.path0().isEmpty()) {
                    String from = cwd(h.pid());
                    String to = call.path0().startsWith("/") || from.isEmpty()
                            ? call.path0()
                            : Path.of(from).resolve(call.path0()).normalize().toString();
                    if (to.startsWith("/")) {
                        cwds.put(h.pid(), Path.of(to).normalize().toString());
                    }
                }
            }
        }
    }

    /** The process of a record, read from /proc or made from the record when it started before the sensor saw it. */
    CachedProcess known(int pid, SensorRecord.Header h) {
        CachedProcess process = processes.get(pid);
        if (process == null) {
            process = read(pid);
            if (process == null) {
                process = new CachedProcess(pid, h.ppid(), "", List.of(), h.comm(), h.uid(), h.gid());
            }
            put(process);
        }
        return process;
    }

    /**
     * The path an exec named, with its symbolic links resolved (on Debian {@code /bin/cat} is {@code /usr/bin/cat}),
     * as the kernel's own path of the file reads; only while the file is there. A process known to see another root
     * (a container's) keeps the path as given, since it names a file of that root; one already gone is resolved in
     * this root, where short-lived host processes run.
     */
    private String canonical(int pid, String given) {
        try {
            Path root =
                    Files.readSymbolicLink(proc.resolve(Integer.toString(pid)).resolve("root"));
            if (!root.toString().equals("/")) {
                return given;
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended before its record was read: resolved below
        }
        try {
            return Path.of(given).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return given; // the file is gone too: the path as the exec named it
        }
    }

    /**
     * A script's inode, for a process of this root only ({@code NONE} otherwise): a path under another root (a
     * container's) is not followed from here, where its links would resolve against this root's files.
     */
    private SensorRecord.FileStat scriptStat(int pid, String path) {
        if (!path.startsWith("/")) {
            return SensorRecord.FileStat.NONE;
        }
        try {
            Path root =
                    Files.readSymbolicLink(proc.resolve(Integer.toString(pid)).resolve("root"));
            if (!root.toString().equals("/")) {
                return SensorRecord.FileStat.NONE;
            }
        } catch (IOException | RuntimeException gone) {
            // ended already: short-lived processes are the host's, as canonical() takes them
        }
        return FileStats.of(Path.of(path));
    }

    /** A relative exec path made absolute by the process's executable link, or kept as given. */
    private String executable(int pid, String given) {
        try {
            return Files.readSymbolicLink(proc.resolve(Integer.toString(pid)).resolve("exe"))
                    .toString();
        } catch (IOException | UnsupportedOperationException e) {
            return given;
        }
    }

    @Override
    public String toString() {
        return "ProcessCache[" + processes.size() + " processes]";
    }

    /** For tests: every process known, by pid. */
    Map<Integer, CachedProcess> snapshot() {
        return new HashMap<>(processes);
    }
}
