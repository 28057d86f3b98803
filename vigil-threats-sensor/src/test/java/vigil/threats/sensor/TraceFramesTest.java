package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceFramesTest {
    private static byte[] frame(int kind, int size) {
        ByteBuffer b = ByteBuffer.allocate(4 + size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(size).putInt(kind).putInt(4242).putInt(4242);
        b.putInt(4 + Records.HEADER, 77); // a fork's child, an exit's code
        return b.array();
    }

    /** Frames in any pieces: byte by byte, several in one read, one cut across reads. */
    @Test
    void recordsComeWholeWhateverThePieces() {
        byte[] fork = frame(Records.KIND_FORK, Records.FORK_SIZE);
        byte[] exit = frame(Records.KIND_EXIT, Records.EXIT_SIZE);
        List<SensorRecord> seen = new ArrayList<>();
        TraceFrames frames = new TraceFrames();
        for (byte b : fork) {
            frames.feed(ByteBuffer.wrap(new byte[] {b}), seen::add);
        }
        ByteBuffer both = ByteBuffer.allocate(exit.length * 2 + 10)
                .put(exit)
                .put(exit)
                .put(fork, 0, 10)
                .flip();
        assertThat(frames.feed(both, seen::add)).isEqualTo(2);
        frames.feed(ByteBuffer.wrap(fork, 10, fork.length - 10), seen::add);
        assertThat(seen).hasSize(4);
        assertThat(seen.getFirst()).isInstanceOf(SensorRecord.Fork.class);
        assertThat(((SensorRecord.Fork) seen.getFirst()).childPid()).isEqualTo(77);
        assertThat(((SensorRecord.Exit) seen.get(1)).exitCode()).isEqualTo(77);
    }

    @Test
    void aLengthNoRecordHasOrABadRecordIsRefusedByName() {
        assertThatThrownBy(() -> new TraceFrames()
                        .feed(
                                ByteBuffer.allocate(4)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putInt(0, 10),
                                r -> {}))
                .hasMessage("a frame of 10 bytes, which no record has");
        assertThatThrownBy(() -> new TraceFrames()
                        .feed(
                                ByteBuffer.allocate(4)
                                        .order(ByteOrder.LITTLE_ENDIAN)
                                        .putInt(0, 1 << 20),
                                r -> {}))
                .hasMessageContaining("1048576 bytes");
        assertThatThrownBy(() -> new TraceFrames().feed(ByteBuffer.wrap(frame(99, Records.FORK_SIZE)), r -> {}))
                .hasMessageContaining("unknown kind 99");
    }
}
