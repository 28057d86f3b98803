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

    /** A process ran a new program: its path as passed to exec, and its arguments (cut at 511 bytes). */
    record Exec(Header header, String filename, List<String> args) implements SensorRecord {
        public Exec {
            args = List.copyOf(args);
        }
    }

    /** A process made a new process (threads are not reported). */
    record Fork(Header header, int childPid) implements SensorRecord {}

    /** A process ended, with its exit status. */
    record Exit(Header header, int exitCode) implements SensorRecord {}

    /**
     * A process asked to open a file ({@code open}, {@code openat}, {@code openat2}, {@code creat}): the path as
     * given (relative to {@code directoryFd} when it does not start with a slash; -100 is the working directory),
     * the flags and the mode.
     */
    record Open(Header header, int directoryFd, int flags, int mode, String path) implements SensorRecord {}

    /** A process asked to connect a socket to an IPv4 or IPv6 address. */
    record Connect(Header header, InetAddress address, int port) implements SensorRecord {}
}
