package vigil.threats.sensor;

import java.net.InetAddress;
import java.util.List;

/** One record of the sensor's ring buffer: what happened, in which process. */
public sealed interface SensorRecord {
    Header header();

    /**
     * The process a record is about, as the kernel saw it: its thread group id ({@code pid}), the thread, the real
     * parent's thread group id, its real user and group ids, the event's time (CLOCK_MONOTONIC, nanoseconds), its
     * cgroup id, its command name, and its effective user and group ids (a set-user-id program's own).
     */
    record Header(
            int pid,
            int tid,
            int ppid,
            int uid,
            int gid,
            long timeNanos,
            long cgroupId,
            String comm,
            int euid,
            int egid) {
        /** A header whose effective ids are the real ones (a source that does not tell them apart). */
        public Header(int pid, int tid, int ppid, int uid, int gid, long timeNanos, long cgroupId, String comm) {
            this(pid, tid, ppid, uid, gid, timeNanos, cgroupId, comm, uid, gid);
        }
    }

    /**
     * The credentials a program runs with beyond its real ids: effective and file-system ids, effective and permitted
     * capability sets, and the audit login id ({@link #AUID_UNSET} when unset).
     */
    record Credentials(int euid, int egid, int fsuid, int fsgid, long capEffective, long capPermitted, int auid) {
        /** The audit login id of a process no login session started (4294967295, as the kernel's). */
        public static final int AUID_UNSET = -1;

        /** What a source that reads no more than the header knows: file-system ids are the effective ones. */
        public static Credentials of(Header h) {
            return new Credentials(h.euid(), h.egid(), h.euid(), h.egid(), 0, 0, AUID_UNSET);
        }
    }

    /**
     * An executed file's inode, as stat(2) gives it: inode number, mode (type and permission bits), owner, times
     * (nanoseconds since the epoch), the id of its mount and its file system's type, and whether an overlay (a
     * container's root) holds it in its writable upper layer. {@link #NONE} when it was not read.
     */
    record FileStat(
            long inode,
            int mode,
            int uid,
            int gid,
            long modifiedNanos,
            long changedNanos,
            int mountId,
            String filesystem,
            boolean upperLayer) {
        public static final FileStat NONE = new FileStat(0, 0, 0, 0, 0, 0, 0, "", false);

        public boolean known() {
            return inode != 0 || !filesystem.isEmpty();
        }
    }

    /**
     * What an exec tells of the new program beyond its path and arguments: its credentials, controlling terminal
     * ({@code pts0}; empty for none), environment ({@code NAME=value} strings as the program got them, cut at 4,095
     * bytes: {@code environmentCut}), and the executed file's inode; for a script, {@code interpreter} is set and the
     * inode is the interpreter's, whose path is the record's {@code filePath}; {@code pathless} says that no path from
     * the process's root reaches the executed file (a memfd's: the record's {@code filePath} is then its name on the
     * kernel's internal mount, {@code /memfd:NAME}).
     */
    record ExecDetails(
            Credentials credentials,
            String tty,
            List<String> environment,
            boolean environmentCut,
            FileStat file,
            boolean interpreter,
            boolean pathless) {
        public ExecDetails {
            environment = List.copyOf(environment);
        }

        public ExecDetails(
                Credentials credentials,
                String tty,
                List<String> environment,
                boolean environmentCut,
                FileStat file,
                boolean interpreter) {
            this(credentials, tty, environment, environmentCut, file, interpreter, false);
        }

        /** Details of an exec from a source that reads none (the header's ids, nothing else). */
        public static ExecDetails of(Header h) {
            return new ExecDetails(Credentials.of(h), "", List.of(), false, FileStat.NONE, false);
        }
    }

    /**
     * A process ran a new program: its path as passed to exec, its arguments (cut at 511 bytes), its cgroup as
     * {@code /parent/leaf} in the unified hierarchy and in the v1 pids controller (empty where there is none), and the
     * executed file's path as the kernel resolved it, from the process's root (empty when the sensor could not tell:
     * deeper than 32 directories, longer than 255 bytes, or a source without it; a script's interpreter's when
     * {@link ExecDetails#interpreter}), and the {@link ExecDetails}.
     */
    record Exec(
            Header header,
            String filename,
            List<String> args,
            String cgroupV2,
            String cgroupV1,
            String filePath,
            ExecDetails details)
            implements SensorRecord {
        public Exec {
            args = List.copyOf(args);
        }

        public Exec(
                Header header, String filename, List<String> args, String cgroupV2, String cgroupV1, String filePath) {
            this(header, filename, args, cgroupV2, cgroupV1, filePath, ExecDetails.of(header));
        }

        public Exec(Header header, String filename, List<String> args) {
            this(header, filename, args, "", "", "");
        }
    }

    /** A process made a new process (threads are not reported). */
    record Fork(Header header, int childPid) implements SensorRecord {}

    /** A process ended, with its exit status. */
    record Exit(Header header, int exitCode) implements SensorRecord {}

    /**
     * A process asked to open a file ({@code open}, {@code openat}, {@code openat2}, {@code creat}): the path as
     * given (relative to {@code directoryFd} when it does not start with a slash; -100 is the working directory),
     * the flags and the mode, and for a relative path the directory it is relative to as the kernel resolved it
     * (empty when absolute, unknown, or from a source without it).
     */
    record Open(Header header, int directoryFd, int flags, int mode, String path, String directory)
            implements SensorRecord {
        public Open(Header header, int directoryFd, int flags, int mode, String path) {
            this(header, directoryFd, flags, mode, path, "");
        }
    }

    /** A process asked to connect a socket to an IPv4 or IPv6 address. */
    record Connect(Header header, InetAddress address, int port) implements SensorRecord {}

    /** A process asked to bind a socket to an IPv4 or IPv6 address. */
    record Bind(Header header, InetAddress address, int port) implements SensorRecord {}

    /**
     * Another system call an event type is made of ({@link Syscalls} names it by {@code nr}): its six raw arguments,
     * the paths and the short name the program read for it (empty where it has none), and {@code extra} (bpf: the
     * attribute's first word; capset: effective and permitted, high and low halves).
     */
    record Syscall(Header header, int nr, long[] args, String path0, String path1, String name, long extra)
            implements SensorRecord {
        public Syscall {
            if (args.length != 6) {
                throw new IllegalArgumentException("a system call has six argument registers, not " + args.length);
            }
            args = args.clone();
        }

        public long arg(int i) {
            return args[i];
        }

        @Override
        public long[] args() {
            return args.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Syscall that
                    && header.equals(that.header)
                    && nr == that.nr
                    && java.util.Arrays.equals(args, that.args)
                    && path0.equals(that.path0)
                    && path1.equals(that.path1)
                    && name.equals(that.name)
                    && extra == that.extra;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(header, nr, java.util.Arrays.hashCode(args), path0, path1, name, extra);
        }

        @Override
        public String toString() {
            return "Syscall[" + Syscalls.name(nr) + " " + java.util.Arrays.toString(args) + " " + path0 + " " + path1
                    + " " + name + " " + extra + "]";
        }
    }
}
