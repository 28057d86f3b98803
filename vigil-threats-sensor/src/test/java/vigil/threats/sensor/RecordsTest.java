package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordsTest {
    private static final int H = Records.HEADER;

    private static ByteBuffer record(int kind, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, kind)
                .putInt(4, 4242)
                .putInt(8, 4243)
                .putInt(12, 1)
                .putInt(16, 1000)
                .putInt(20, 1001);
        b.putLong(24, 123_456_789L).putLong(32, 77L);
        b.put(40, "bash\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(56, 0).putInt(60, 1001); // effective ids
        return b;
    }

    @Test
    void readsAnExecWithItsArguments() {
        ByteBuffer b = record(Records.KIND_EXEC, Records.EXEC_SIZE);
        byte[] file = "/usr/bin/curl".getBytes(StandardCharsets.US_ASCII);
        byte[] args = "curl\0-s\0\0http://x\0".getBytes(StandardCharsets.US_ASCII);
        b.putInt(H, file.length).putInt(H + 4, args.length);
        b.put(H + 8, file).put(H + 8 + 256, args);
        SensorRecord.Exec exec = (SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b));
        assertThat(exec.header())
                .isEqualTo(new SensorRecord.Header(4242, 4243, 1, 1000, 1001, 123_456_789L, 77L, "bash", 0, 1001));
        assertThat(exec.filename()).isEqualTo("/usr/bin/curl");
        assertThat(exec.args()).containsExactly("curl", "-s", "", "http://x");
        assertThat(exec.cgroupV2()).as("no cgroup names: empty").isEmpty();
        // the cgroups' parent and leaf names, 80 bytes each: unified (v2), then v1's pids controller
        int cgroups = H + 8 + 256 + 512;
        b.put(cgroups, "system.slice\0".getBytes(StandardCharsets.US_ASCII));
        b.put(cgroups + 80, "docker-abc.scope\0".getBytes(StandardCharsets.US_ASCII));
        b.put(cgroups + 240, "/\0".getBytes(StandardCharsets.US_ASCII));
        SensorRecord.Exec named = (SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b));
        assertThat(named.cgroupV2()).isEqualTo("/system.slice/docker-abc.scope");
        assertThat(named.cgroupV1()).as("the root cgroup").isEqualTo("/");
        assertThat(named.filePath()).as("no resolved path: empty").isEmpty();
        // then the executed file as the kernel resolved it: its length, 4 bytes of padding, 528 bytes of room
        byte[] resolved = "/usr/bin/curl.real".getBytes(StandardCharsets.US_ASCII);
        b.putInt(cgroups + 320, resolved.length).put(cgroups + 328, resolved);
        assertThat(((SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b))).filePath())
                .isEqualTo("/usr/bin/curl.real");
        b.putInt(cgroups + 320, 100_000); // a length past its room is bounded by it
        assertThat(((SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b))).filePath())
                .isEqualTo("/usr/bin/curl.real");
    }

    /**
     * After the resolved path: credentials (fsuid, fsgid, effective and permitted capabilities, audit login id), the
     * file's inode (number, times, mode, owner, mount, flags, file system), the terminal, and the environment.
     */
    @Test
    void readsAnExecsCredentialsFileTerminalAndEnvironment() {
        ByteBuffer b = record(Records.KIND_EXEC, Records.EXEC_SIZE);
        int cred = Records.EXEC_CRED;
        b.putInt(cred, 0).putInt(cred + 4, 1001).putLong(cred + 8, 1L << 21).putLong(cred + 16, 3L);
        b.putInt(cred + 24, 1000);
        int file = Records.EXEC_FILE;
        b.putLong(file, 4711L)
                .putLong(file + 8, 1_700_000_000_000_000_000L)
                .putLong(file + 16, 1_700_000_001_000_000_000L);
        b.putInt(file + 24, 0104755).putInt(file + 28, 0).putInt(file + 32, 0).putInt(file + 36, 29);
        b.putInt(file + 40, 1 | 2).put(file + 48, "overlay\0".getBytes(StandardCharsets.US_ASCII));
        b.put(Records.EXEC_TTY, "pts3\0".getBytes(StandardCharsets.US_ASCII));
        byte[] env = "HOME=/root\0LD_PRELOAD=/tmp/x.so\0".getBytes(StandardCharsets.US_ASCII);
        b.putInt(Records.EXEC_ENV, env.length).putInt(Records.EXEC_ENV + 4, env.length);
        b.put(Records.EXEC_ENV + 8, env);
        SensorRecord.ExecDetails details = ((SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b))).details();
        assertThat(details.credentials()).isEqualTo(new SensorRecord.Credentials(0, 1001, 0, 1001, 1L << 21, 3L, 1000));
        assertThat(details.file())
                .isEqualTo(new SensorRecord.FileStat(
                        4711L,
                        0104755,
                        0,
                        0,
                        1_700_000_000_000_000_000L,
                        1_700_000_001_000_000_000L,
                        29,
                        "overlay",
                        true));
        assertThat(details.interpreter()).isFalse();
        assertThat(details.tty()).isEqualTo("pts3");
        assertThat(details.environment()).containsExactly("HOME=/root", "LD_PRELOAD=/tmp/x.so");
        assertThat(details.environmentCut()).isFalse();
        // an environment longer than read is cut; a file not read (no FILE_STATED) is none; a script's interpreter
        b.putInt(Records.EXEC_ENV + 4, 9000).putInt(file + 40, 4);
        SensorRecord.ExecDetails cut = ((SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b))).details();
        assertThat(cut.environmentCut()).isTrue();
        assertThat(cut.file()).isEqualTo(SensorRecord.FileStat.NONE);
        assertThat(cut.interpreter()).isTrue();
        assertThat(cut.pathless()).isFalse();
        b.putInt(file + 40, 1 | 8); // FILE_DETACHED: no path from the process's root reaches the file (a memfd)
        assertThat(((SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b)))
                        .details()
                        .pathless())
                .isTrue();
        b.putInt(Records.EXEC_ENV, 1 << 20); // a length past its room is bounded by it
        assertThat(((SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b)))
                        .details()
                        .environment())
                .startsWith("HOME=/root", "LD_PRELOAD=/tmp/x.so");
    }

    @Test
    void readsOpensForksExitsAndConnects() {
        ByteBuffer open = record(Records.KIND_OPEN, Records.OPEN_SIZE);
        open.putInt(H, -100).putInt(H + 4, 0x241).putInt(H + 8, 0x1a4).putInt(H + 12, 11);
        open.put(H + 16, "/etc/shadow".getBytes(StandardCharsets.US_ASCII));
        SensorRecord.Open o = (SensorRecord.Open) Records.read(MemorySegment.ofBuffer(open));
        assertThat(o.directoryFd()).isEqualTo(-100);
        assertThat(o.flags()).isEqualTo(0x241);
        assertThat(o.mode()).isEqualTo(0x1a4);
        assertThat(o.path()).isEqualTo("/etc/shadow");
        assertThat(o.directory()).as("an absolute path: no directory").isEmpty();
        // a relative path, with the directory the kernel resolved it against after it (length, padding, 528 bytes)
        open.putInt(H + 12, 6).put(H + 16, "shadow\0".getBytes(StandardCharsets.US_ASCII));
        open.putInt(H + 16 + 256, 4).put(H + 16 + 256 + 8, "/etc".getBytes(StandardCharsets.US_ASCII));
        SensorRecord.Open relative = (SensorRecord.Open) Records.read(MemorySegment.ofBuffer(open));
        assertThat(relative.path()).isEqualTo("shadow");
        assertThat(relative.directory()).isEqualTo("/etc");
        ByteBuffer fork = record(Records.KIND_FORK, Records.FORK_SIZE).putInt(H, 5000);
        assertThat(((SensorRecord.Fork) Records.read(MemorySegment.ofBuffer(fork))).childPid())
                .isEqualTo(5000);
        ByteBuffer exit = record(Records.KIND_EXIT, Records.EXIT_SIZE).putInt(H, 3);
        assertThat(((SensorRecord.Exit) Records.read(MemorySegment.ofBuffer(exit))).exitCode())
                .isEqualTo(3);
        ByteBuffer connect = record(Records.KIND_CONNECT, Records.CONNECT_SIZE);
        connect.putShort(H, (short) 2)
                .putShort(H + 2, Short.reverseBytes((short) 443))
                .putInt(H + 4, 4);
        connect.put(H + 8, new byte[] {10, 0, 0, 7});
        SensorRecord.Connect c = (SensorRecord.Connect) Records.read(MemorySegment.ofBuffer(connect));
        assertThat(c.address().getHostAddress()).isEqualTo("10.0.0.7");
        assertThat(c.port()).isEqualTo(443);
    }

    @Test
    void lengthsBeyondTheirFieldsAreBoundedByIt() {
        ByteBuffer b = record(Records.KIND_OPEN, Records.OPEN_SIZE);
        b.putInt(H + 12, Integer.MAX_VALUE);
        b.put(H + 16, "x".repeat(256).getBytes(StandardCharsets.US_ASCII));
        assertThat(((SensorRecord.Open) Records.read(MemorySegment.ofBuffer(b))).path())
                .hasSize(256);
        ByteBuffer negative = record(Records.KIND_OPEN, Records.OPEN_SIZE).putInt(H + 12, -5);
        assertThat(((SensorRecord.Open) Records.read(MemorySegment.ofBuffer(negative))).path())
                .isEmpty();
    }

    @Test
    void refusesShortAndUnknownRecordsByName() {
        assertThatThrownBy(() -> Records.read(MemorySegment.ofArray(new byte[10])))
                .hasMessageContaining("10 bytes is shorter than its 64-byte header");
        assertThatThrownBy(() -> Records.read(MemorySegment.ofBuffer(record(99, 64))))
                .hasMessageContaining("unknown kind 99");
        assertThatThrownBy(() -> Records.read(MemorySegment.ofBuffer(record(Records.KIND_EXEC, 100))))
                .hasMessageContaining("exec record of 100 bytes; its layout has " + Records.EXEC_SIZE);
        ByteBuffer connect = record(Records.KIND_CONNECT, Records.CONNECT_SIZE).putInt(H + 4, 7);
        assertThatThrownBy(() -> Records.read(MemorySegment.ofBuffer(connect))).hasMessageContaining("7-byte address");
    }
}
