package vigil.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import vigil.server.intake.Intake;
import vigil.server.intake.IntakeException;

/** Agent batches are untrusted: a parsed batch or a 400/413 IntakeException, never anything else. */
class IntakeFuzzTest {
    private static void check(byte[] body, boolean gzip) {
        try {
            Intake.ParsedBatch batch = Intake.parseBatch(body, gzip);
            assertThat(batch.batchId()).matches("^[A-Za-z0-9._:-]{8,64}$");
            assertThat(batch.hostname()).isNotBlank();
        } catch (IntakeException expected) {
            assertThat(expected.status()).isIn(400, 413);
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void plainBatches(byte[] input) {
        check(input, false);
    }

    @FuzzTest(maxDuration = "10s")
    void gzippedBatches(byte[] input) throws IOException {
        check(input, true);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(input);
        }
        check(compressed.toByteArray(), true);
    }
}
