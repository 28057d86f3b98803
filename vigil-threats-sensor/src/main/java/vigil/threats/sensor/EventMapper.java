package vigil.threats.sensor;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;

/**
 * The sensor's records as the rule engine's events, with SECL's field names: the record's own fields, and the
 * process context from the {@link ProcessCache} (the process's file, arguments, ids, parent and ancestors). A fork
 * only updates the cache; exec, open, connect and exit become events of those types.
 */
public final class EventMapper {
    private final ProcessCache processes;
    private final EventBuilder builder;
    private final Users users;
    private final SyscallFields syscalls;
    /**
     * The records' times are the kernel's monotonic clock ({@code bpf_ktime_get_ns}, the clock of
     * {@link System#nanoTime} on Linux); events carry nanoseconds since the epoch, as SECL's {@code event.timestamp}.
     */
    private final long epochOffset;
    /** {@code event.origin}: {@code ebpf} for the kernel sensor, {@code ebpfless} for the others (Datadog's names). */
    private String origin = "ebpf";

    public EventMapper(ProcessCache processes, FieldCatalog catalog, Path proc) {
        this(processes, catalog, proc, new Users(Path.of("/etc")));
    }

    public EventMapper(ProcessCache processes, FieldCatalog catalog, Path proc, Users users) {
        this.processes = processes;
        this.users = users;
        this.syscalls = new SyscallFields(catalog, processes, users, proc);
        this.builder = new EventBuilder(catalog);
        java.time.Instant now = java.time.Instant.now();
        this.epochOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /** Where the records come from, as {@code event.origin} says: {@code ebpf} (the default) or {@code ebpfless}. */
    public void origin(String origin) {
        this.origin = origin;
    }

    /** The record's event, after the cache has taken the record in (a fork has none). */
    public Optional<Event> map(SensorRecord record) {
        // an exit's process is read before the cache forgets it
        ProcessCache.CachedProcess exiting = record instanceof SensorRecord.Exit
                ? processes.known(record.header().pid(), record.header())
                : null;
        // and its container, which the cache forgets too (read after, it was looked for in /proc, where the process
        // is gone: the exit of a container's process was reported as the host's)
        Containers.Container exitingContainer =
                exiting == null ? null : processes.container(record.header().pid());
        processes.apply(record);
        SensorRecord.Header h = record.header();
        Map<String, Object> fields = new LinkedHashMap<>();
        String type;
        switch (record) {
            case SensorRecord.Fork fork -> {
                return Optional.empty();
            }
            case SensorRecord.Exec exec -> {
                type = "exec";
                ProcessCache.CachedProcess self = processes.known(h.pid(), h);
                context(fields, self, h);
                fields.put("exec.file.path", path(self));
                fields.put("exec.file.name", self.name());
                fields.put("exec.comm", h.comm());
                fields.put("exec.pid", BigInteger.valueOf(h.pid()));
                fields.put("exec.ppid", BigInteger.valueOf(h.ppid()));
                fields.put("exec.uid", BigInteger.valueOf(Integer.toUnsignedLong(h.uid())));
                fields.put("exec.gid", BigInteger.valueOf(Integer.toUnsignedLong(h.gid())));
                arguments(fields, "exec", self.argv());
                details(fields, "exec", self.details(), h.euid(), h.egid());
            }
            case SensorRecord.Open open -> {
                type = "open";
                context(fields, processes.known(h.pid(), h), h);
                String path = open.directory().startsWith("/") && !open.path().startsWith("/")
                        ? SyscallFields.normal(open.directory() + "/" + open.path())
                        : absolute(h.pid(), open.directoryFd(), open.path());
                fields.put("open.file.path", path);
                String name = path.substring(path.lastIndexOf('/') + 1);
                fields.put("open.file.name", name);
                fields.put("open.file.extension", SyscallFields.extension(name));
                fields.put("open.flags", BigInteger.valueOf(Integer.toUnsignedLong(open.flags())));
                fields.put("open.file.mode", BigInteger.valueOf(Integer.toUnsignedLong(open.mode())));
            }
            case SensorRecord.Connect connect -> {
                type = "connect";
                context(fields, processes.known(h.pid(), h), h);
                fields.put("connect.addr.ip", connect.address().getHostAddress());
                fields.put("connect.addr.port", BigInteger.valueOf(connect.port()));
                fields.put("connect.addr.is_public", PublicAddress.isPublic(connect.address()));
                fields.put(
                        "connect.addr.family",
                        BigInteger.valueOf(connect.address() instanceof java.net.Inet6Address ? 10 : 2));
            }
            case SensorRecord.Bind bind -> {
                type = "bind";
                context(fields, processes.known(h.pid(), h), h);
                fields.put("bind.addr.ip", bind.address().getHostAddress());
                fields.put("bind.addr.port", BigInteger.valueOf(bind.port()));
                fields.put("bind.addr.is_public", PublicAddress.isPublic(bind.address()));
                fields.put(
                        "bind.addr.family",
                        BigInteger.valueOf(bind.address() instanceof java.net.Inet6Address ? 10 : 2));
            }
            case SensorRecord.Syscall call -> {
                context(fields, processes.known(h.pid(), h), h);
                String mapped = syscalls.map(call, fields);
                if (mapped == null) {
                    return Optional.empty();
                }
                type = mapped;
            }
            case SensorRecord.Exit exit -> {
                type = "exit";
                if (exiting == null) {
                    context(fields, processes.known(h.pid(), h), h);
                } else {
                    context(fields, exiting, h, exitingContainer);
                }
                fields.put("exit.code", BigInteger.valueOf(exit.exitCode()));
            }
        }
        try {
            return Optional.of(builder.build(type, fields));
        } catch (EventBuilder.EventFormatException e) {
            throw new IllegalStateException(
                    "the sensor's " + type + " event does not fit the catalog: " + e.getMessage(), e);
        }
    }

    /** The fields of the process an event is about, and of its parent and ancestors. */
    private void context(Map<String, Object> fields, ProcessCache.CachedProcess self, SensorRecord.Header h) {
        context(fields, self, h, processes.container(h.pid()));
    }

    private void context(
            Map<String, Object> fields,
            ProcessCache.CachedProcess self,
            SensorRecord.Header h,
            Containers.@Nullable Container container) {
        fields.put("event.timestamp", BigInteger.valueOf(h.timeNanos() + epochOffset));
        // what the rate-limiter clauses of Datadog's rules ask (event.origin != "ebpf" || ...)
        fields.put("event.origin", origin);
        fields.put("process.pid", BigInteger.valueOf(h.pid()));
        fields.put("process.tid", BigInteger.valueOf(h.tid()));
        fields.put("process.ppid", BigInteger.valueOf(h.ppid()));
        fields.put("process.uid", BigInteger.valueOf(Integer.toUnsignedLong(h.uid())));
        fields.put("process.gid", BigInteger.valueOf(Integer.toUnsignedLong(h.gid())));
        String user = users.user(Integer.toUnsignedLong(h.uid()));
        if (user != null) {
            fields.put("process.user", user);
        }
        String group = users.group(Integer.toUnsignedLong(h.gid()));
        if (group != null) {
            fields.put("process.group", group);
        }
        if (container != null) {
            fields.put("process.container.id", container.id());
            long created = processes.containerCreatedAt(container, h.pid());
            if (created > 0) {
                fields.put("process.container.created_at", BigInteger.valueOf(created));
                fields.put("container.created_at", BigInteger.valueOf(created));
            }
        }
        fields.put("process.comm", h.comm());
        fields.put("process.cgroup.id", Long.toUnsignedString(h.cgroupId()));
        if (h.cgroupId() != 0) {
            // the cgroup's directory inode in the unified hierarchy: the kernel's cgroup id is its kernfs node id
            fields.put("cgroup.file.inode", BigInteger.valueOf(h.cgroupId()));
        }
        fields.put("process.file.path", path(self));
        fields.put("process.file.name", self.name());
        arguments(fields, "process", self.argv());
        // the header's effective ids are the process's now (after a setuid), the rest as of its exec
        details(fields, "process", self.details(), h.euid(), h.egid());
        List<ProcessCache.CachedProcess> ancestors = processes.ancestors(h.pid());
        if (!ancestors.isEmpty()) {
            ProcessCache.CachedProcess parent = ancestors.getFirst();
            fields.put("process.parent.pid", BigInteger.valueOf(parent.pid()));
            fields.put("process.parent.file.path", path(parent));
            fields.put("process.parent.file.name", parent.name());
            fields.put("process.parent.comm", parent.comm());
            fields.put("process.parent.uid", BigInteger.valueOf(Integer.toUnsignedLong(parent.uid())));
            fields.put("process.parent.gid", BigInteger.valueOf(Integer.toUnsignedLong(parent.gid())));
            details(
                    fields,
                    "process.parent",
                    parent.details(),
                    parent.details().credentials().euid(),
                    parent.details().credentials().egid());
            fields.put(
                    "process.ancestors.file.path",
                    ancestors.stream().map(EventMapper::path).toList());
            fields.put(
                    "process.ancestors.file.name",
                    ancestors.stream().map(ProcessCache.CachedProcess::name).toList());
            fields.put(
                    "process.ancestors.comm",
                    ancestors.stream().map(ProcessCache.CachedProcess::comm).toList());
        }
    }

    /** A process's file path as rules read it: empty for a file no path reaches (a memfd), whose name stays. */
    private static String path(ProcessCache.CachedProcess process) {
        return process.details().pathless() ? "" : process.path();
    }

    /**
     * A process's credentials beyond its real ids, terminal, environment and executable's inode (and a script's
     * interpreter's) under {@code prefix}.
     */
    private void details(Map<String, Object> fields, String prefix, ProcessCache.Details d, int euid, int egid) {
        SensorRecord.Credentials c = d.credentials();
        ids(fields, prefix + ".e", euid, egid);
        ids(fields, prefix + ".fs", c.fsuid(), c.fsgid());
        fields.put(prefix + ".cap_effective", BigInteger.valueOf(c.capEffective()));
        fields.put(prefix + ".cap_permitted", BigInteger.valueOf(c.capPermitted()));
        fields.put(prefix + ".auid", BigInteger.valueOf(Integer.toUnsignedLong(c.auid())));
        fields.put(prefix + ".tty_name", d.tty());
        fields.put(prefix + ".envs", d.envs());
        fields.put(prefix + ".envp", d.envs());
        fields.put(prefix + ".envs_truncated", d.envsCut());
        fileStat(fields, prefix + ".file", d.file());
        if (!d.interpreterPath().isEmpty()) {
            String path = d.interpreterPath();
            fields.put(prefix + ".interpreter.file.path", path);
            fields.put(prefix + ".interpreter.file.name", path.substring(path.lastIndexOf('/') + 1));
            fileStat(fields, prefix + ".interpreter.file", d.interpreter());
        }
    }

    /** {@code prefix}uid, gid, user and group ({@code process.e}: euid, egid, euser, egroup). */
    private void ids(Map<String, Object> fields, String prefix, int uid, int gid) {
        long u = Integer.toUnsignedLong(uid);
        long g = Integer.toUnsignedLong(gid);
        fields.put(prefix + "uid", BigInteger.valueOf(u));
        fields.put(prefix + "gid", BigInteger.valueOf(g));
        String user = users.user(u);
        if (user != null) {
            fields.put(prefix + "user", user);
        }
        String group = users.group(g);
        if (group != null) {
            fields.put(prefix + "group", group);
        }
    }

    /** A file's inode fields, when it was read (an unread one leaves them empty rather than zero: root, mode 0). */
    private void fileStat(Map<String, Object> fields, String prefix, SensorRecord.FileStat stat) {
        if (!stat.known()) {
            return;
        }
        fields.put(prefix + ".inode", BigInteger.valueOf(stat.inode()));
        fields.put(prefix + ".mode", BigInteger.valueOf(Integer.toUnsignedLong(stat.mode())));
        ids(fields, prefix + ".", stat.uid(), stat.gid());
        fields.put(prefix + ".modification_time", BigInteger.valueOf(stat.modifiedNanos()));
        fields.put(prefix + ".change_time", BigInteger.valueOf(stat.changedNanos()));
        if (!stat.filesystem().isEmpty()) {
            fields.put(prefix + ".mount_id", BigInteger.valueOf(Integer.toUnsignedLong(stat.mountId())));
            fields.put(prefix + ".filesystem", stat.filesystem());
            fields.put(prefix + ".in_upper_layer", stat.upperLayer());
        }
    }

    /**
     * argv0, the other arguments as a list, as one string joined by spaces (as the reference does), and their flags and
     * options ({@link ArgumentFlags}).
     */
    private static void arguments(Map<String, Object> fields, String prefix, List<String> argv) {
        if (argv.isEmpty()) {
            return;
        }
        fields.put(prefix + ".argv0", argv.getFirst());
        List<String> rest = argv.subList(1, argv.size());
        fields.put(prefix + ".argv", List.copyOf(rest));
        fields.put(prefix + ".args", String.join(" ", rest));
        fields.put(prefix + ".args_flags", ArgumentFlags.flags(rest));
        fields.put(prefix + ".args_options", ArgumentFlags.options(rest));
    }

    /** The path an open named, absolute and normal where it can be made so (SyscallFields#path). */
    private String absolute(int pid, int directoryFd, String path) {
        return syscalls.path(pid, directoryFd, path);
    }
}
