package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordsTest {
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
        return b;
    }

    @Test
    void readsAnExecWithItsArguments() {
        ByteBuffer b = record(Records.KIND_EXEC, Records.EXEC_SIZE);
        byte[] file = "/usr/bin/curl".getBytes(StandardCharsets.US_ASCII);
        byte[] args = "curl\0-s\0\0http://x\0".getBytes(StandardCharsets.US_ASCII);
        b.putInt(56, file.length).putInt(60, args.length);
        b.put(64, file).put(64 + 256, args);
        SensorRecord.Exec exec = (SensorRecord.Exec) Records.read(MemorySegment.ofBuffer(b));
        assertThat(exec.header())
                .isEqualTo(new SensorRecord.Header(4242, 4243, 1, 1000, 1001, 123_456_789L, 77L, "bash"));
        assertThat(exec.filename()).isEqualTo("/usr/bin/curl");
        assertThat(exec.args()).containsExactly("curl", "-s", "", "http://x");
        assertThat(exec.cgroupV2()).as("no cgroup names: empty").isEmpty();
        // the cgroups' parent and leaf names, 80 bytes each: unified (v2), then v1's pids controller
        int cgroups = 64 + 256 + 512;
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

    @Test
    void readsOpensForksExitsAndConnects() {
        ByteBuffer open = record(Records.KIND_OPEN, Records.OPEN_SIZE);
        open.putInt(56, -100).putInt(60, 0x241).putInt(64, 0x1a4).putInt(68, 11);
        open.put(72, "/etc/shadow".getBytes(StandardCharsets.US_ASCII));
        SensorRecord.Open o = (SensorRecord.Open) Records.read(MemorySegment.ofBuffer(open));
        assertThat(o.directoryFd()).isEqualTo(-100);
        assertThat(o.flags()).isEqualTo(0x241);
        assertThat(o.mode()).isEqualTo(0x1a4);
        assertThat(o.path()).isEqualTo("/etc/shadow");
        assertThat(o.directory()).as("an absolute path: no directory").isEmpty();
        // a relative path, with the directory the kernel resolved it against after it (length, padding, 528 bytes)
        open.putInt(68, 6).put(72, "shadow\0".getBytes(StandardCharsets.US_ASCII));
        open.putInt(56 + 16 + 256, 4).put(56 + 16 + 256 + 8, "/etc".getBytes(StandardCharsets.US_ASCII));
        SensorRecord.Open relative = (SensorRecord.Open) Records.read(MemorySegment.ofBuffer(open));
        assertThat(relative.path()).isEqualTo("shadow");
        assertThat(relative.directory()).isEqualTo("/etc");
        ByteBuffer fork = record(Records.KIND_FORK, Records.FORK_SIZE).putInt(56, 5000);
        assertThat(((SensorRecord.Fork) Records.read(MemorySegment.ofBuffer(fork))).childPid())
                .isEqualTo(5000);
        ByteBuffer exit = record(Records.KIND_EXIT, Records.EXIT_SIZE).putInt(56, 3);
        assertThat(((SensorRecord.Exit) Records.read(MemorySegment.ofBuffer(exit))).exitCode())
                .isEqualTo(3);
        ByteBuffer connect = record(Records.KIND_CONNECT, Records.CONNECT_SIZE);
        connect.putShort(56, (short) 2)
                .putShort(58, Short.reverseBytes((short) 443))
                .putInt(60, 4);
        connect.put(64, new byte[] {10, 0, 0, 7});
        SensorRecord.Connect c = (SensorRecord.Connect) Records.read(MemorySegment.ofBuffer(connect));
        assertThat(c.address().getHostAddress()).isEqualTo("10.0.0.7");
        assertThat(c.port()).isEqualTo(443);
    }

    @Test
    void lengthsBeyondTheirFieldsAreBoundedByIt() {
        ByteBuffer b = record(Records.KIND_OPEN, Records.OPEN_SIZE);
        b.putInt(68, Integer.MAX_VALUE);
        b.put(72, "x".repeat(256).getBytes(StandardCharsets.US_ASCII));
        assertThat(((SensorRecord.Open) Records.read(MemorySegment.ofBuffer(b))).path())
                .hasSize(256);
        ByteBuffer negative = record(Records.KIND_OPEN, Records.OPEN_SIZE).putInt(68, -5);
        assertThat(((SensorRecord.Open) Records.read(MemorySegment.ofBuffer(negative))).path())
                .isEmpty();
    }

    @Test
    void refusesShortAndUnknownRecordsByName() {
        assertThatThrownBy(() -> Records.read(MemorySegment.ofArray(new byte[10])))
                .hasMessageContaining("10 bytes is shorter than its 56-byte header");
        assertThatThrownBy(() -> Records.read(MemorySegment.ofBuffer(record(99, 64))))
                .hasMessageContaining("unknown kind 99");
        assertThatThrownBy(() -> Records.read(MemorySegment.ofBuffer(record(Records.KIND_EXEC, 100))))
                .hasMessageContaining("exec record of 100 bytes; its layout has " + Records.EXEC_SIZE);
        ByteBuffer connect = record(Records.KIND_CONNECT, Records.CONNECT_SIZE).putInt(60, 7);
        assertThatThrownBy(() -> Records.read(MemorySegment.ofBuffer(connect))).hasMessageContaining("7-byte address");
    }
}
