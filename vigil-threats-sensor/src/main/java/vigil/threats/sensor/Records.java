package vigil.threats.sensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ring buffer's records, whose layouts are the structs of {@code src/main/bpf/vigil.bpf.c} (x86_64, little
 * endian): a 64-byte header, then each kind's fields. A record of an unknown kind, or shorter than its kind's layout,
 * is refused with an exception naming both: the program and this class are built together, so either means a bug.
 */
public final class Records {
    static final int KIND_EXEC = 1;
    static final int KIND_FORK = 2;
    static final int KIND_EXIT = 3;
    static final int KIND_OPEN = 4;
    static final int KIND_CONNECT = 5;
    static final int KIND_SYSCALL = 6;
    static final int KIND_BIND = 7;
    /** Kinds are 1 to 7; the lost-record counters are indexed by kind. */
    static final int KINDS = 8;

    static final int HEADER = 64;
    /** Where the exec record's credentials start; its file's inode, terminal and environment follow. */
    static final int EXEC_CRED = HEADER + 8 + 256 + 512 + 4 * 80 + 8 + 528;

    static final int EXEC_FILE = EXEC_CRED + 32;
    static final int EXEC_TTY = EXEC_FILE + 64;
    static final int EXEC_ENV = EXEC_TTY + 64;
    static final int ENV_MAX = 4096;
    static final int EXEC_SIZE = EXEC_ENV + 8 + ENV_MAX;
    static final int FORK_SIZE = HEADER + 8;
    static final int EXIT_SIZE = HEADER + 8;
    static final int OPEN_SIZE = HEADER + 16 + 256 + 8 + 528;
    static final int CONNECT_SIZE = HEADER + 8 + 16;
    static final int SYSCALL_SIZE = HEADER + 16 + 48 + 8 + 2 * 256 + 64;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Records() {}

    /** The name of a kind, as the lost-record counts are reported. */
    public static String kindName(int kind) {
        return switch (kind) {
            case KIND_EXEC -> "exec";
            case KIND_FORK -> "fork";
            case KIND_EXIT -> "exit";
            case KIND_OPEN -> "open";
            case KIND_CONNECT -> "connect";
            case KIND_SYSCALL -> "syscall";
            case KIND_BIND -> "bind";
            default -> "kind " + kind;
        };
    }

    /** The record in {@code data} (exactly one record, as the ring buffer hands it over). */
    public static SensorRecord read(MemorySegment data) {
        if (data.byteSize() < HEADER) {
            throw new IllegalArgumentException(
                    "a sensor record of " + data.byteSize() + " bytes is shorter than its " + HEADER + "-byte header");
        }
        int kind = data.get(INT, 0);
        int size = switch (kind) {
            case KIND_EXEC -> EXEC_SIZE;
            case KIND_FORK -> FORK_SIZE;
            case KIND_EXIT -> EXIT_SIZE;
            case KIND_OPEN -> OPEN_SIZE;
            case KIND_CONNECT, KIND_BIND -> CONNECT_SIZE;
            case KIND_SYSCALL -> SYSCALL_SIZE;
            default -> throw new IllegalArgumentException("a sensor record of unknown kind " + kind);
        };
        if (data.byteSize() < size) {
            throw new IllegalArgumentException(
                    "a sensor " + kindName(kind) + " record of " + data.byteSize() + " bytes; its layout has " + size);
        }
        SensorRecord.Header header = new SensorRecord.Header(
                data.get(INT, 4),
                data.get(INT, 8),
                data.get(INT, 12),
                data.get(INT, 16),
                data.get(INT, 20),
                data.get(LONG, 24),
                data.get(LONG, 32),
                text(data, 40, 16, 16),
                data.get(INT, 56),
                data.get(INT, 60));
        return switch (kind) {
            case KIND_EXEC ->
                new SensorRecord.Exec(
                        header,
                        text(data, HEADER + 8, data.get(INT, HEADER), 256),
                        arguments(data, HEADER + 8 + 256, data.get(INT, HEADER + 4), 512),
                        cgroup(data, HEADER + 8 + 256 + 512),
                        cgroup(data, HEADER + 8 + 256 + 512 + 160),
                        text(data, HEADER + 8 + 256 + 512 + 320 + 8, data.get(INT, HEADER + 8 + 256 + 512 + 320), 256),
                        execDetails(header, data));
            case KIND_FORK -> new SensorRecord.Fork(header, data.get(INT, HEADER));
            case KIND_EXIT -> new SensorRecord.Exit(header, data.get(INT, HEADER));
            case KIND_OPEN ->
                new SensorRecord.Open(
                        header,
                        data.get(INT, HEADER),
                        data.get(INT, HEADER + 4),
                        data.get(INT, HEADER + 8),
                        text(data, HEADER + 16, data.get(INT, HEADER + 12), 256),
                        text(data, HEADER + 16 + 256 + 8, data.get(INT, HEADER + 16 + 256), 256));
            case KIND_SYSCALL -> syscall(header, data);
            default -> connect(header, data, kind == KIND_BIND);
        };
    }

    private static final int FILE_STATED = 1;
    private static final int FILE_UPPER_LAYER = 2;
    private static final int FILE_INTERPRETER = 4;
    private static final int FILE_DETACHED = 8;

    /** The exec record's {@code exec_cred}, {@code exec_file}, terminal and environment. */
    private static SensorRecord.ExecDetails execDetails(SensorRecord.Header header, MemorySegment data) {
        SensorRecord.Credentials credentials = new SensorRecord.Credentials(
                header.euid(),
                header.egid(),
                data.get(INT, EXEC_CRED),
                data.get(INT, EXEC_CRED + 4),
                data.get(LONG, EXEC_CRED + 8),
                data.get(LONG, EXEC_CRED + 16),
                data.get(INT, EXEC_CRED + 24));
        int flags = data.get(INT, EXEC_FILE + 40);
        SensorRecord.FileStat file = (flags & FILE_STATED) == 0
                ? SensorRecord.FileStat.NONE
                : new SensorRecord.FileStat(
                        data.get(LONG, EXEC_FILE),
                        data.get(INT, EXEC_FILE + 24),
                        data.get(INT, EXEC_FILE + 28),
                        data.get(INT, EXEC_FILE + 32),
                        data.get(LONG, EXEC_FILE + 8),
                        data.get(LONG, EXEC_FILE + 16),
                        data.get(INT, EXEC_FILE + 36),
                        text(data, EXEC_FILE + 48, 16, 16),
                        (flags & FILE_UPPER_LAYER) != 0);
        int envLength = data.get(INT, EXEC_ENV);
        long envTotal = Integer.toUnsignedLong(data.get(INT, EXEC_ENV + 4));
        List<String> environment = arguments(data, EXEC_ENV + 8, envLength, ENV_MAX);
        return new SensorRecord.ExecDetails(
                credentials,
                text(data, EXEC_TTY, 64, 64),
                environment,
                envTotal > Math.clamp(envLength, 0, ENV_MAX),
                file,
                (flags & FILE_INTERPRETER) != 0,
                (flags & FILE_DETACHED) != 0);
    }

    private static SensorRecord syscall(SensorRecord.Header header, MemorySegment data) {
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = data.get(LONG, HEADER + 16 + 8L * i);
        }
        return new SensorRecord.Syscall(
                header,
                data.get(INT, HEADER),
                args,
                text(data, HEADER + 72, data.get(INT, HEADER + 4), 256),
                text(data, HEADER + 72 + 256, data.get(INT, HEADER + 8), 256),
                text(data, HEADER + 72 + 512, data.get(INT, HEADER + 12), 64),
                data.get(LONG, HEADER + 64));
    }

    private static SensorRecord connect(SensorRecord.Header header, MemorySegment data, boolean bind) {
        int port = Short.toUnsignedInt(Short.reverseBytes(data.get(SHORT, HEADER + 2))); // network order
        int length = data.get(INT, HEADER + 4);
        if (length != 4 && length != 16) {
            throw new IllegalArgumentException(
                    "a sensor " + (bind ? "bind" : "connect") + " record with a " + length + "-byte address");
        }
        byte[] address = data.asSlice(HEADER + 8, length).toArray(ValueLayout.JAVA_BYTE);
        try {
            InetAddress inet = InetAddress.getByAddress(address);
            return bind ? new SensorRecord.Bind(header, inet, port) : new SensorRecord.Connect(header, inet, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // not for a 4- or 16-byte address
        }
    }

    /** A cgroup's parent and leaf names (80 bytes each, NUL-terminated) as {@code /parent/leaf}; empty for none. */
    private static String cgroup(MemorySegment data, long offset) {
        String parent = text(data, offset, 80, 80);
        String leaf = text(data, offset + 80, 80, 80);
        if (leaf.isEmpty() || leaf.equals("/")) {
            return leaf; // none, or the root cgroup
        }
        return (parent.isEmpty() || parent.equals("/") ? "" : "/" + parent) + "/" + leaf;
    }

    /** Text of at most {@code length} bytes (stopping at a NUL), the length bounded by the field's {@code room}. */
    private static String text(MemorySegment data, long offset, int length, int room) {
        int bounded = Math.clamp(length, 0, room);
        byte[] bytes = data.asSlice(offset, bounded).toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** NUL-separated arguments, as in {@code /proc/PID/cmdline}; the last may be cut. */
    private static List<String> arguments(MemorySegment data, long offset, int length, int room) {
        return argv(data.asSlice(offset, Math.clamp(length, 0, room)).toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Arguments separated by NULs (the exec record's, {@code /proc/PID/cmdline}): a final NUL ends the last one, an
     * empty argument between two NULs is kept, a last one without its NUL (cut) is kept as it is.
     */
    static List<String> argv(byte[] bytes) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i > start || i < bytes.length) {
                    args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return args;
    }
}
