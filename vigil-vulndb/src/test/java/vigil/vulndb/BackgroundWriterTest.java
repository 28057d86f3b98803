package vigil.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.Severity;
import vigil.vulndb.store.AdvisoryStore;
import vigil.vulndb.store.AdvisoryStoreBuilder;

/** The writer thread writes in order, and its failure reaches the caller instead of a wait on a full queue. */
class BackgroundWriterTest {
    @TempDir
    Path temp;

    private static Advisory advisory(int i) {
        return new Advisory(
                "A-" + i, List.of(), "osv", null, Severity.LOW, "osv", List.of(), List.of(), null, null, List.of());
    }

    @Test
    void everyStepIsWrittenInOrderBeforeFinishReturns() throws Exception {
        Path file = AdvisoryStore.fileIn(temp);
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, false);
                BackgroundWriter writer = new BackgroundWriter(builder)) {
            for (int document = 0; document < 100; document++) {
                writer.savepoint();
                for (int i = 0; i < 20; i++) {
                    writer.put(advisory(document * 20 + i));
                }
                if (document % 10 == 3) {
                    writer.rollback();
                } else {
                    writer.release();
                }
            }
            writer.finish();
            assertThat(builder.written()).isEqualTo(90 * 20);
            builder.publish(Instant.EPOCH);
        }
    }

    @Test
    void aFailureOfTheWriterIsThrownAtTheNextStepAndNeverBlocksTheCaller() throws Exception {
        Path file = AdvisoryStore.fileIn(temp);
        AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, false);
        builder.close(); // every write now fails
        try (BackgroundWriter writer = new BackgroundWriter(builder)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                assertThatThrownBy(() -> {
                            for (int i = 0; i < 100_000; i++) {
                                writer.put(advisory(i));
                            }
                            writer.finish();
                        })
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("writing advisory A-0 failed");
            });
        }
    }
}
