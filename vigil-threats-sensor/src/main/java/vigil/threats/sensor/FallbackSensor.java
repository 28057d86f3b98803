package vigil.threats.sensor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The sensor where eBPF cannot run (an old kernel, no BTF, BPF refused): the kernel's proc connector (a netlink
 * socket that tells of every fork, exec and exit) and fanotify (every open, and every close after a write, on the
 * root mount), both through the FFM API, their events made into the same {@link SensorRecord}s, with the process's
 * details read from {@code /proc}. It needs root (CAP_SYS_ADMIN for fanotify, CAP_NET_ADMIN for the connector). It
 * gives exec, fork, exit and open only ({@link #MISSING} says what it lacks); an open's flags are unknown, so an open
 * counts as a write only when the file is closed after a write ({@code FAN_CLOSE_WRITE}). A process too short-lived
 * to be read from /proc is reported with what the event carried.
 */
public final class FallbackSensor implements EventSource {
    /** The event types the fallback does not give, and why. */
    public static final String MISSING =
            "connect, bind and every event made of other system calls (chmod, unlink, ptrace, bpf, ...): the proc"
                    + " connector and fanotify tell only of processes and opened files";

    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_CONNECTOR = 11;
    private static final int CN_IDX_PROC = 1;
    private static final int CN_VAL_PROC = 1;
    private static final int PROC_CN_MCAST_LISTEN = 1;
    private static final int NLMSG_DONE = 3;
    private static final int PROC_EVENT_FORK = 0x1;
    private static final int PROC_EVENT_EXEC = 0x2;
    private static final int PROC_EVENT_EXIT = 0x80000000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_MARK_ADD = 0x1;
    private static final int FAN_MARK_MOUNT = 0x10;
    private static final long FAN_CLOSE_WRITE = 0x8;
    private static final long FAN_OPEN = 0x20;
    private static final long FAN_OPEN_EXEC = 0x1000;
    private static final long FAN_Q_OVERFLOW = 0x4000;
    private static final int O_LARGEFILE = 0100000;
    private static final int O_CLOEXEC = 02000000;
    private static final int POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final int ENOBUFS = 105;
    private static final int O_WRONLY = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfInt INT =
            JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).withByteAlignment(1);
    private static final ValueLayout.OfLong LONG =
            JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).withByteAlignment(1);

    private static final MethodHandle SOCKET =
            libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND =
            libc("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV =
            libc("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READ =
            libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL =
            libc("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FANOTIFY_INIT =
            libc("fanotify_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FANOTIFY_MARK =
            libc("fanotify_mark", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));

    /** The dynamic loader, which an exec opens to execute too, after the program: not the program. */
    private static final java.util.regex.Pattern LOADER = java.util.regex.Pattern.compile("/ld-[^/]*\\.so[^/]*$");

    private final Consumer<SensorRecord> sink;
    private final Path proc;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment buffer = arena.allocate(64 << 10, 8);
    private final MemorySegment pollFds = arena.allocate(16, 4);
    private final int self = (int) ProcessHandle.current().pid();
    private final Map<String, Long> lost = new LinkedHashMap<>();
    /**
     * The files each process opened to execute (fanotify's FAN_OPEN_EXEC), in order: one per exec, the exec's own
     * program even when the process has run another since (the JDK's jspawnhelper, then the program) or is gone.
     */
    private final Map<Integer, java.util.ArrayDeque<String>> executed = new java.util.HashMap<>();
    /** A round's opens and exits, given after its forks and execs so a short process's events keep their order. */
    private final List<SensorRecord> opens = new java.util.ArrayList<>();

    private final List<SensorRecord> exits = new java.util.ArrayList<>();
    /** The connector's events of a round (what and three ids), made into records once fanotify was read again. */
    private final List<int[]> processEvents = new java.util.ArrayList<>();

    private int connector = -1;
    private int fanotify = -1;
    private boolean closed;

    private FallbackSensor(Consumer<SensorRecord> sink, Path proc) {
        this.sink = sink;
        this.proc = proc;
        for (String kind : List.of("exec", "fork", "exit", "open")) {
            lost.put(kind, 0L);
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, ERRNO_OPTION);
    }

    /** Opens the proc connector and fanotify on the root mount; a failure says which and why. */
    public static FallbackSensor start(Consumer<SensorRecord> sink) {
        FallbackSensor sensor = new FallbackSensor(sink, Path.of("/proc"));
        try {
            sensor.openConnector();
            sensor.openFanotify();
            return sensor;
        } catch (RuntimeException e) {
            sensor.close();
            throw e;
        }
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    private void openConnector() {
        try {
            connector = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
            if (connector < 0) {
                throw SensorException.of("the proc connector could not be opened", errno());
            }
            MemorySegment address = arena.allocate(12, 4); // sockaddr_nl
            address.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            address.set(JAVA_INT, 4, self);
            address.set(JAVA_INT, 8, CN_IDX_PROC);
            if ((int) BIND.invokeExact(state, connector, address, 12) != 0) {
                throw SensorException.of("the proc connector could not be bound", errno());
            }
            // nlmsghdr (16), cn_msg (20), the operation (4): listen
            MemorySegment message = arena.allocate(40, 4);
            message.set(JAVA_INT, 0, 40);
            message.set(JAVA_SHORT, 4, (short) NLMSG_DONE);
            message.set(JAVA_INT, 12, self);
            message.set(JAVA_INT, 16, CN_IDX_PROC);
            message.set(JAVA_INT, 20, CN_VAL_PROC);
            message.set(JAVA_SHORT, 32, (short) 4);
            message.set(JAVA_INT, 36, PROC_CN_MCAST_LISTEN);
            if ((long) SEND.invokeExact(state, connector, message, 40L, 0) != 40) {
                throw SensorException.of("the proc connector refused to report processes", errno());
            }
        } catch (SensorException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void openFanotify() {
        try {
            fanotify = (int) FANOTIFY_INIT.invokeExact(state, FAN_CLOEXEC | FAN_NONBLOCK, O_LARGEFILE | O_CLOEXEC);
            if (fanotify < 0) {
                throw SensorException.of("fanotify could not be opened", errno());
            }
            MemorySegment root = arena.allocateFrom("/");
            int marked = (int) FANOTIFY_MARK.invokeExact(
                    state,
                    fanotify,
                    FAN_MARK_ADD | FAN_MARK_MOUNT,
                    FAN_OPEN | FAN_CLOSE_WRITE | FAN_OPEN_EXEC,
                    -100,
                    root);
            if (marked != 0) {
                // FAN_OPEN_EXEC is Linux 5.0: without it, an exec's path comes from /proc alone
                marked = (int) FANOTIFY_MARK.invokeExact(
                        state, fanotify, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN | FAN_CLOSE_WRITE, -100, root);
            }
            if (marked != 0) {
                throw SensorException.of("fanotify could not watch the root mount", errno());
            }
        } catch (SensorException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int poll(int timeoutMillis) {
        if (closed) {
            throw new IllegalStateException("the fallback sensor is closed");
        }
        try {
            pollFds.set(JAVA_INT, 0, connector);
            pollFds.set(JAVA_SHORT, 4, (short) POLLIN);
            pollFds.set(JAVA_SHORT, 6, (short) 0);
            pollFds.set(JAVA_INT, 8, fanotify);
            pollFds.set(JAVA_SHORT, 12, (short) POLLIN);
            pollFds.set(JAVA_SHORT, 14, (short) 0);
            int ready = (int) POLL.invokeExact(state, pollFds, 2L, timeoutMillis);
            if (ready <= 0) {
                return 0;
            }
            // opens first (an exec's file among them), then the processes' forks and execs, then the opens, then
            // exits: the order of one short-lived process's events, which the two interfaces do not share
            drainFanotify();
            drainConnector();
            // an exec's FAN_OPEN_EXEC is queued before its connector event: a second look finds the ones of the
            // execs just read, so each exec takes its own program's path
            drainFanotify();
            int records = 0;
            for (int[] event : processEvents) {
                records += processEvent(event);
            }
            processEvents.clear();
            records += opens.size() + exits.size();
            opens.forEach(sink);
            exits.forEach(sink);
            opens.clear();
            exits.clear();
            if (executed.size() > 4_096) {
                executed.clear();
            }
            return records;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void drainConnector() throws Throwable {
        while (true) {
            long n = (long) RECV.invokeExact(state, connector, buffer, buffer.byteSize(), MSG_DONTWAIT);
            if (n < 0) {
                int errno = errno();
                if (errno == ENOBUFS) {
                    // the socket's buffer overflowed: some process events are gone
                    lost.merge("exec", 1L, Long::sum);
                    continue;
                }
                return;
            }
            for (long at = 0; at + 16 <= n; ) {
                int length = buffer.get(INT, at);
                if (length < 16 || at + length > n) {
                    break;
                }
                if (length >= 16 + 20 + 16 + 16) {
                    long event = at + 36;
                    long data = event + 16;
                    processEvents.add(new int[] {
                        buffer.get(INT, event),
                        buffer.get(INT, data),
                        buffer.get(INT, data + 4),
                        buffer.get(INT, data + 8),
                        buffer.get(INT, data + 12)
                    });
                }
                at += (length + 3) & ~3;
            }
        }
    }

    /** One proc_event: what, then the first four words of its data (the pids, an exit's code). */
    private int processEvent(int[] event) {
        int what = event[0];
        switch (what) {
            case PROC_EVENT_FORK -> {
                int parentTgid = event[2];
                int childPid = event[3];
                int childTgid = event[4];
                if (childPid != childTgid) {
                    return 0; // a thread
                }
                sink.accept(new SensorRecord.Fork(header(parentTgid, parentTgid), childTgid));
                return 1;
            }
            case PROC_EVENT_EXEC -> {
                int tgid = event[2];
                if (tgid == self) {
                    return 0;
                }
                Path dir = proc.resolve(Integer.toString(tgid));
                java.util.ArrayDeque<String> opened = executed.get(tgid);
                String exe = opened == null ? null : opened.pollFirst();
                if (opened != null && opened.isEmpty()) {
                    executed.remove(tgid);
                }
                if (exe == null) {
                    exe = link(dir.resolve("exe")); // no FAN_OPEN_EXEC (before Linux 5.0): as /proc has it now
                }
                List<String> args = List.of();
                try {
                    args = Records.argv(Files.readAllBytes(dir.resolve("cmdline")));
                } catch (IOException | RuntimeException gone) {
                    // the process is already gone: its arguments with it
                }
                sink.accept(new SensorRecord.Exec(header(tgid, tgid), exe, args));
                return 1;
            }
            case PROC_EVENT_EXIT -> {
                int pid = event[1];
                int tgid = event[2];
                if (pid != tgid) {
                    return 0; // a thread ends
                }
                int code = event[3];
                exits.add(new SensorRecord.Exit(header(tgid, tgid), (code >> 8) & 0xff));
                return 0; // counted when given, after the round's opens
            }
            default -> {
                return 0;
            }
        }
    }

    private void drainFanotify() throws Throwable {
        while (true) {
            long n = (long) READ.invokeExact(state, fanotify, buffer, buffer.byteSize());
            if (n <= 0) {
                return;
            }
            for (long at = 0; at + 24 <= n; ) {
                int length = buffer.get(INT, at);
                if (length < 24 || at + length > n) {
                    break;
                }
                long mask = buffer.get(LONG, at + 8);
                int fd = buffer.get(INT, at + 16);
                int pid = buffer.get(INT, at + 20);
                if ((mask & FAN_Q_OVERFLOW) != 0) {
                    lost.merge("open", 1L, Long::sum);
                }
                if (fd >= 0) {
                    String path = link(Path.of("/proc/self/fd/" + fd));
                    int unused = (int) CLOSE.invokeExact(state, fd);
                    if (pid != self && !path.isEmpty()) {
                        if ((mask & FAN_OPEN_EXEC) != 0 && !LOADER.matcher(path).find()) {
                            executed.computeIfAbsent(pid, p -> new java.util.ArrayDeque<>())
                                    .addLast(path);
                        }
                        if ((mask & (FAN_OPEN | FAN_CLOSE_WRITE)) != 0) {
                            int flags = (mask & FAN_CLOSE_WRITE) != 0 ? O_WRONLY : 0;
                            opens.add(new SensorRecord.Open(header(pid, pid), -100, flags, 0, path));
                        }
                    }
                }
                at += length;
            }
        }
    }

    /** The record's process as /proc has it now; what the event carried when it is gone. */
    private SensorRecord.Header header(int pid, int tid) {
        Path dir = proc.resolve(Integer.toString(pid));
        int ppid = 0;
        int uid = 0;
        int gid = 0;
        int euid = 0;
        int egid = 0;
        String comm = "";
        try {
            comm = Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip();
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("PPid:")) {
                    ppid = Integer.parseInt(line.substring(5).strip());
                } else if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+"); // real, effective, saved, file system
                    uid = Integer.parseInt(ids[0]);
                    euid = ids.length > 1 ? Integer.parseInt(ids[1]) : uid;
                } else if (line.startsWith("Gid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    gid = Integer.parseInt(ids[0]);
                    egid = ids.length > 1 ? Integer.parseInt(ids[1]) : gid;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended before it could be read
        }
        return new SensorRecord.Header(pid, tid, ppid, uid, gid, System.nanoTime(), 0, comm, euid, egid);
    }

    private static String link(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public Map<String, Long> lost() {
        return Map.copyOf(lost);
    }

    @Override
    public long approverDrops() {
        return 0;
    }

    @Override
    public List<String> programs() {
        return List.of("proc_connector", "fanotify");
    }

    @Override
    public String kind() {
        return "fallback";
    }

    /** The event types it gives. */
    public static Set<String> eventTypes() {
        return Set.of("exec", "fork", "exit", "open");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (connector >= 0) {
                int unused = (int) CLOSE.invokeExact(state, connector);
            }
            if (fanotify >= 0) {
                int unused = (int) CLOSE.invokeExact(state, fanotify);
            }
        } catch (Throwable e) {
            // closing what is being given up: nothing more to do
        } finally {
            arena.close();
        }
    }
}
