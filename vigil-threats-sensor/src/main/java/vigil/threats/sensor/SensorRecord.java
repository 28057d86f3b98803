package vigil.threats.sensor;

import java.net.InetAddress;
import java.util.List;

/** One record of the sensor's ring buffer: what happened, in which process. */
public sealed interface SensorRecord {
    Header header();

    /**
     * The process a record is about, as the kernel saw it: its thread group id ({@code pid}), the thread, the real
     * parent's thread group id, its user and group ids, the event's time (CLOCK_MONOTONIC, nanoseconds), its cgroup
     * id and its command name.
     */
    record Header(int pid, int tid, int ppid, int uid, int gid, long timeNanos, long cgroupId, String comm) {}

    /**
     * A process ran a new program: its path as passed to exec, its arguments (cut at 511 bytes), its cgroup as
     * {@code /parent/leaf} in the unified hierarchy and in the v1 pids controller (empty where there is none), and the
     * executed file's path as the kernel resolved it, from the process's root (empty when the sensor could not tell:
     * deeper than 32 directories, longer than 255 bytes, or a source without it).
     */
    record Exec(Header header, String filename, List<String> args, String cgroupV2, String cgroupV1, String filePath)
            implements SensorRecord {
        public Exec {
            args = List.copyOf(args);
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
