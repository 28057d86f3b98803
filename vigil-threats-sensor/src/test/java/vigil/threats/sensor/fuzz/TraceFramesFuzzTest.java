package vigil.threats.sensor.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import vigil.threats.sensor.SensorRecord;
import vigil.threats.sensor.TraceFrames;

/**
 * Whatever a process that can reach the trace socket sends (ADR 0053), in whatever pieces, the frame reader gives
 * records or an IllegalArgumentException naming the problem; never another exception, never more records than
 * frames could hold.
 */
class TraceFramesFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void frames(FuzzedDataProvider data) {
        TraceFrames frames = new TraceFrames();
        List<SensorRecord> records = new ArrayList<>();
        int total = 0;
        try {
            while (data.remainingBytes() > 0) {
                byte[] piece = data.consumeBytes(data.consumeInt(1, 9000));
                total += piece.length;
                frames.feed(ByteBuffer.wrap(piece), records::add);
            }
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
        assertThat(records.size()).isLessThanOrEqualTo(total / 68 + 1);
    }
}
