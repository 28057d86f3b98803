package vigil.threats.sensor.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import vigil.threats.sensor.Records;
import vigil.threats.sensor.SensorRecord;

/**
 * Whatever bytes the ring buffer hands over (a program and loader out of step, a corrupted record), the decoder gives
 * a record or an IllegalArgumentException naming the problem; never another exception, never a read outside them.
 */
class RecordsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void records(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            SensorRecord record = Records.read(MemorySegment.ofArray(bytes));
            assertThat(record.header()).isNotNull();
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).contains("sensor");
        }
    }
}
