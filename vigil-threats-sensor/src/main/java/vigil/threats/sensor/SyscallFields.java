package vigil.threats.sensor;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.FieldCatalog;

/**
 * The SECL fields of the system calls {@link Syscalls} records: each call's arguments under its event type's names
 * ({@code chmod.file.path}, {@code chmod.file.destination.mode}, {@code ptrace.request}, ...). Paths relative to a
 * directory descriptor, and files named by a descriptor, are resolved through {@code /proc/PID/fd} and
 * {@code /proc/PID/cwd} while the process is there. The calls are recorded on entry, so their results
 * ({@code *.retval}) are not known.
 */
final class SyscallFields {
    private static final int AT_FDCWD = -100;
    private static final int AT_REMOVEDIR = 0x200;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int BPF_MAP_CREATE = 0;
    private static final int BPF_PROG_LOAD = 5;
    private static final int PR_SET_NAME = 15;

    private final FieldCatalog catalog;
    private final ProcessCache processes;
    private final Users users;
    private final Path proc;

    SyscallFields(FieldCatalog catalog, ProcessCache processes, Users users, Path proc) {
        this.catalog = catalog;
        this.processes = processes;
        this.users = users;
        this.proc = proc;
    }

    /** The event type of the call, with its fields put in {@code fields}; null for a call no event is made of. */
    @Nullable
    String map(SensorRecord.Syscall call, Map<String, Object> fields) {
        Syscalls.Call known = Syscalls.call(call.nr());
        if (known == null) {
            return null;
        }
        int pid = call.header().pid();
        String type = known.eventType();
        switch (known.name()) {
            case "chmod" -> file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), number(call.arg(1)));
            case "fchmod" -> file(fields, type, fd(pid, call.arg(0)), "", number(call.arg(1)));
            case "fchmodat", "fchmodat2" ->
                file(fields, type, path(pid, (int) call.arg(0), call.path0()), call.path0(), number(call.arg(2)));
            case "chown", "lchown" -> {
                file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), null);
                owner(fields, (int) call.arg(1), (int) call.arg(2));
            }
            case "fchown" -> {
                file(fields, type, fd(pid, call.arg(0)), "", null);
                owner(fields, (int) call.arg(1), (int) call.arg(2));
            }
            case "fchownat" -> {
                file(fields, type, path(pid, (int) call.arg(0), call.path0()), call.path0(), null);
                owner(fields, (int) call.arg(2), (int) call.arg(3));
            }
            case "unlink", "rmdir" -> file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), null);
            case "unlinkat" -> {
                int flags = (int) call.arg(2);
                type = (flags & AT_REMOVEDIR) != 0 ? "rmdir" : "unlink";
                file(fields, type, path(pid, (int) call.arg(0), call.path0()), call.path0(), null);
                if (type.equals("unlink")) {
                    put(fields, "unlink.flags", number(flags));
                    put(fields, "unlink.syscall.flags", number(flags));
                    put(fields, "unlink.syscall.dirfd", number((int) call.arg(0)));
                }
            }
            case "mkdir" -> file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), number(call.arg(1)));
            case "mkdirat" ->
                file(fields, type, path(pid, (int) call.arg(0), call.path0()), call.path0(), number(call.arg(2)));
            case "rename", "link" -> {
                file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), null);
                destination(fields, type, path(pid, AT_FDCWD, call.path1()), call.path1());
            }
            case "renameat", "renameat2", "linkat" -> {
                file(fields, type, path(pid, (int) call.arg(0), call.path0()), call.path0(), null);
                destination(fields, type, path(pid, (int) call.arg(2), call.path1()), call.path1());
            }
            case "symlink" -> {
                file(fields, type, path(pid, AT_FDCWD, call.path1()), call.path1(), null);
                put(fields, "symlink.target", call.path0());
            }
            case "symlinkat" -> {
                file(fields, type, path(pid, (int) call.arg(1), call.path1()), call.path1(), null);
                put(fields, "symlink.target", call.path0());
            }
            case "utime", "utimes" -> file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), null);
            case "futimesat", "utimensat" ->
                file(
                        fields,
                        type,
                        call.path0().isEmpty() ? fd(pid, call.arg(0)) : path(pid, (int) call.arg(0), call.path0()),
                        call.path0(),
                        null);
            case "setxattr", "lsetxattr", "removexattr", "lremovexattr" -> {
                file(fields, type, path(pid, AT_FDCWD, call.path0()), call.path0(), null);
                xattr(fields, type, call.name());
            }
            case "fsetxattr", "fremovexattr" -> {
                file(fields, type, fd(pid, call.arg(0)), "", null);
                xattr(fields, type, call.name());
            }
            // the cache has applied this chdir already: its path is the new working directory
            case "chdir" -> file(fields, type, processes.cwd(pid), call.path0(), null);
            case "fchdir" -> file(fields, type, fd(pid, call.arg(0)), "", null);
            case "ptrace" -> {
                put(fields, "ptrace.request", number(call.arg(0)));
                target(fields, "ptrace.tracee", (int) call.arg(1));
            }
            case "bpf" -> {
                int cmd = (int) call.arg(0);
                put(fields, "bpf.cmd", number(cmd));
                if (cmd == BPF_PROG_LOAD) {
                    put(fields, "bpf.prog.type", number((int) call.extra()));
                } else if (cmd == BPF_MAP_CREATE) {
                    put(fields, "bpf.map.type", number((int) call.extra()));
                }
            }
            case "init_module" -> put(fields, "load_module.loaded_from_memory", true);
            case "finit_module" -> {
                String file = fd(pid, call.arg(0));
                put(fields, "load_module.loaded_from_memory", false);
                if (!file.isEmpty()) {
                    put(fields, "load_module.file.path", file);
                    String name = file.substring(file.lastIndexOf('/') + 1);
                    put(fields, "load_module.file.name", name);
                    int dot = name.indexOf(".ko");
                    put(fields, "load_module.name", dot > 0 ? name.substring(0, dot) : name);
                }
            }
            case "delete_module" -> put(fields, "unload_module.name", call.name());
            case "setuid", "setreuid", "setresuid", "setfsuid" -> ids(fields, "setuid", "uid", "user", call, true);
            case "setgid", "setregid", "setresgid", "setfsgid" -> ids(fields, "setgid", "gid", "group", call, false);
            case "capset" -> {
                put(fields, "capset.cap_effective", number(call.extra() & 0xffff_ffffL));
                put(fields, "capset.cap_permitted", number(call.extra() >>> 32));
            }
            case "mount" -> {
                put(fields, "mount.source.path", call.path0());
                put(fields, "mount.syscall.source.path", call.path0());
                put(fields, "mount.mountpoint.path", path(pid, AT_FDCWD, call.path1()));
                put(fields, "mount.syscall.mountpoint.path", call.path1());
                put(fields, "mount.fs_type", call.name());
                put(fields, "mount.syscall.fs_type", call.name());
            }
            case "kill", "tkill" -> {
                put(fields, "signal.type", number((int) call.arg(1)));
                put(fields, "signal.pid", number((int) call.arg(0)));
                target(fields, "signal.target", (int) call.arg(0));
            }
            case "tgkill" -> {
                put(fields, "signal.type", number((int) call.arg(2)));
                put(fields, "signal.pid", number((int) call.arg(0)));
                target(fields, "signal.target", (int) call.arg(0));
            }
            case "prctl" -> {
                put(fields, "prctl.option", number((int) call.arg(0)));
                if (call.arg(0) == PR_SET_NAME) {
                    put(fields, "prctl.new_name", call.name());
                    put(fields, "prctl.is_name_truncated", false);
                }
            }
            case "splice" -> file(fields, type, fd(pid, call.arg(0)), "", null);
            case "mmap" -> {
                put(fields, "mmap.protection", number(call.arg(2)));
                put(fields, "mmap.flags", number(call.arg(3)));
                if ((call.arg(3) & MAP_ANONYMOUS) == 0 && (int) call.arg(4) >= 0) {
                    file(fields, type, fd(pid, call.arg(4)), "", null);
                }
            }
            case "mprotect" -> put(fields, "mprotect.req_protection", number(call.arg(2)));
            case "setsockopt" -> {
                put(fields, "setsockopt.level", number((int) call.arg(1)));
                put(fields, "setsockopt.optname", number((int) call.arg(2)));
            }
            case "socket" -> {
                put(fields, "socket.domain", number((int) call.arg(0)));
                put(fields, "socket.type", number((int) call.arg(1)));
                put(fields, "socket.protocol", number((int) call.arg(2)));
            }
            case "unshare" -> put(fields, "unshare.flags", number(call.arg(0)));
            case "dup", "dup2", "dup3" -> {
                put(fields, "dup.fd", number((int) call.arg(0)));
                file(fields, type, fd(pid, call.arg(0)), "", null);
            }
            case "setns" -> {
                put(fields, "setns.fd", number((int) call.arg(0)));
                put(fields, "setns.nstype", number((int) call.arg(1)));
            }
            case "userfaultfd" -> put(fields, "userfaultfd.flags", number((int) call.arg(0)));
            case "setrlimit" -> put(fields, "setrlimit.resource", number((int) call.arg(0)));
            case "prlimit64" -> {
                if (call.arg(2) == 0) {
                    return null; // a read of the limit, not a change
                }
                put(fields, "setrlimit.resource", number((int) call.arg(1)));
                target(fields, "setrlimit.target", (int) call.arg(0) == 0 ? pid : (int) call.arg(0));
            }
            default -> {
                return null;
            }
        }
        return type;
    }

    /** {@code TYPE.file.path} and {@code .name}, the path as the call gave it, and a new mode where it sets one. */
    private void file(Map<String, Object> fields, String type, String path, String given, @Nullable BigInteger mode) {
        if (!path.isEmpty()) {
            put(fields, type + ".file.path", path);
            String name = path.substring(path.lastIndexOf('/') + 1);
            put(fields, type + ".file.name", name);
            put(fields, type + ".file.extension", extension(name));
        }
        if (!given.isEmpty()) {
            put(fields, type + ".syscall.path", given);
        }
        if (mode != null) {
            put(fields, type + ".file.destination.mode", mode);
            put(fields, type + ".syscall.mode", mode);
        }
    }

    private void destination(Map<String, Object> fields, String type, String path, String given) {
        if (!path.isEmpty()) {
            put(fields, type + ".file.destination.path", path);
            put(fields, type + ".file.destination.name", path.substring(path.lastIndexOf('/') + 1));
        }
        put(fields, type + ".syscall.destination.path", given);
    }

    private void owner(Map<String, Object> fields, int uid, int gid) {
        put(fields, "chown.file.destination.uid", number(uid));
        put(fields, "chown.file.destination.gid", number(gid));
        put(fields, "chown.syscall.uid", number(uid));
        put(fields, "chown.syscall.gid", number(gid));
        String user = uid == -1 ? null : users.user(Integer.toUnsignedLong(uid));
        if (user != null) {
            put(fields, "chown.file.destination.user", user);
        }
        String group = gid == -1 ? null : users.group(Integer.toUnsignedLong(gid));
        if (group != null) {
            put(fields, "chown.file.destination.group", group);
        }
    }

    private void xattr(Map<String, Object> fields, String type, String name) {
        put(fields, type + ".file.destination.name", name);
        int dot = name.indexOf('.');
        if (dot > 0) {
            put(fields, type + ".file.destination.namespace", name.substring(0, dot));
        }
    }

    /** The ids a set*id call gives: -1 keeps the one the process had (the record's header). */
    private void ids(
            Map<String, Object> fields,
            String type,
            String id,
            String nameKind,
            SensorRecord.Syscall call,
            boolean uid) {
        long current =
                Integer.toUnsignedLong(uid ? call.header().uid() : call.header().gid());
        long currentEffective = Integer.toUnsignedLong(
                uid ? call.header().euid() : call.header().egid());
        long real = current;
        long effective = currentEffective;
        long fs = currentEffective;
        switch (Syscalls.name(call.nr())) {
            case "setuid", "setgid" -> real = effective = fs = keep(call.arg(0), current);
            case "setreuid", "setregid" -> {
                real = keep(call.arg(0), current);
                effective = fs = keep(call.arg(1), currentEffective);
            }
            case "setresuid", "setresgid" -> {
                real = keep(call.arg(0), current);
                effective = fs = keep(call.arg(1), currentEffective);
            }
            default -> fs = keep(call.arg(0), currentEffective); // setfsuid, setfsgid
        }
        String prefix = type + ".";
        put(fields, prefix + id, number(real));
        put(fields, prefix + "e" + id, number(effective));
        put(fields, prefix + "fs" + id, number(fs));
        names(fields, prefix + nameKind, real, uid);
        names(fields, prefix + "e" + nameKind, effective, uid);
        names(fields, prefix + "fs" + nameKind, fs, uid);
    }

    private static long keep(long given, long current) {
        return (int) given == -1 ? current : Integer.toUnsignedLong((int) given);
    }

    private void names(Map<String, Object> fields, String field, long id, boolean uid) {
        String name = uid ? users.user(id) : users.group(id);
        if (name != null) {
            put(fields, field, name);
        }
    }

    /** The target process of a ptrace or a signal: its file, command name and ids, from the cache. */
    private void target(Map<String, Object> fields, String prefix, int pid) {
        if (pid <= 0) {
            return; // a process group or every process: no one target
        }
        put(fields, prefix + ".pid", number(pid));
        ProcessCache.CachedProcess target = processes.get(pid);
        if (target != null) {
            put(fields, prefix + ".file.path", target.path());
            put(fields, prefix + ".file.name", target.name());
            put(fields, prefix + ".comm", target.comm());
            put(fields, prefix + ".uid", number(Integer.toUnsignedLong(target.uid())));
            put(fields, prefix + ".gid", number(Integer.toUnsignedLong(target.gid())));
            SensorRecord.Credentials c = target.details().credentials();
            put(fields, prefix + ".euid", number(Integer.toUnsignedLong(c.euid())));
            put(fields, prefix + ".egid", number(Integer.toUnsignedLong(c.egid())));
            put(fields, prefix + ".fsuid", number(Integer.toUnsignedLong(c.fsuid())));
            put(fields, prefix + ".fsgid", number(Integer.toUnsignedLong(c.fsgid())));
            put(fields, prefix + ".cap_effective", number(c.capEffective()));
            put(fields, prefix + ".cap_permitted", number(c.capPermitted()));
        }
    }

    /** The path a descriptor of {@code pid} names, or empty when it cannot be read (or is not a file). */
    private String fd(int pid, long fd) {
        if ((int) fd < 0) {
            return "";
        }
        try {
            String link = Files.readSymbolicLink(
                            proc.resolve(Integer.toString(pid)).resolve("fd").resolve(Integer.toString((int) fd)))
                    .toString();
            return link.startsWith("/") ? link : "";
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * A path made absolute (relative to the working directory or to a directory descriptor, while readable) and
     * normal: {@code /tmp/../etc/shadow} is {@code /etc/shadow}, as the kernel opens it, so that a rule about
     * {@code /etc/shadow} sees it (lexically, as Falco does: a link followed by {@code ..} is the kernel's alone).
     */
    String path(int pid, int directoryFd, String path) {
        if (path.isEmpty()) {
            return path;
        }
        if (path.startsWith("/")) {
            return normal(path);
        }
        String base = directoryFd == AT_FDCWD ? cwd(pid) : fd(pid, directoryFd);
        if (base.isEmpty()) {
            return path;
        }
        return normal(base + "/" + path);
    }

    static String normal(String path) {
        try {
            return Path.of(path).normalize().toString();
        } catch (java.nio.file.InvalidPathException e) {
            return path;
        }
    }

    private String cwd(int pid) {
        return processes.cwd(pid);
    }

    /** A file name's extension as SECL gives it: from its last dot on ({@code .yaml}; {@code .bashrc}), else "". */
    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    private void put(Map<String, Object> fields, String name, Object value) {
        if (catalog.find(name).isPresent()) {
            fields.put(name, value);
        }
    }

    private static BigInteger number(long value) {
        return BigInteger.valueOf(value);
    }
}
