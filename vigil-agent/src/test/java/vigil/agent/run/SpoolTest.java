package vigil.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path temp;

    private static byte[] bytes(int n) {
        return "x".repeat(n).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void batchesComeBackInOrderAcrossRestarts() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 1 << 20);
        spool.add("batch-a-000001", bytes(10));
        spool.add("batch-b-000002", bytes(10));
        Files.writeString(temp.resolve("spool/0000000000000009-half.json.gz.tmp"), "half written");
        Spool reopened = new Spool(temp.resolve("spool"), 1 << 20);
        reopened.add("batch-c-000003", bytes(10));
        assertThat(reopened.entries())
                .extracting(Spool.Entry::batchId)
                .containsExactly("batch-a-000001", "batch-b-000002", "batch-c-000003");
        assertThat(Files.exists(temp.resolve("spool/0000000000000009-half.json.gz.tmp")))
                .as("a half-written batch is cleaned up")
                .isFalse();
    }

    @Test
    void theOldestBatchesGoWhenTheBoundIsPassed() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 250);
        for (int i = 0; i < 5; i++) {
            spool.add("batch-" + i + "-000000", bytes(100));
        }
        assertThat(spool.entries())
                .extracting(Spool.Entry::batchId)
                .containsExactly("batch-3-000000", "batch-4-000000");
        assertThat(spool.dropped()).isEqualTo(3);
        assertThat(spool.bytes()).isLessThanOrEqualTo(250);
    }

    @Test
    void rejectedBatchesAreKeptAsideNotRetried() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 1 << 20);
        Spool.Entry entry = spool.add("batch-bad-0001", bytes(5));
        spool.reject(entry);
        assertThat(spool.entries()).isEmpty();
        assertThat(Files.list(temp.resolve("rejected"))).hasSize(1);
    }
}
