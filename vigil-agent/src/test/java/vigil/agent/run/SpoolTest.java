package vigil.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.agent.collect.SpoolPolicy;

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

    /** KEEP (ADR 0031): superseding batches go first; then the newest kept ones, counted per section, persisted. */
    @Test
    void keptBatchesAreDroppedOnlyAfterSupersedingOnesAndCountedPerSection() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 350);
        spool.add("inventory-000001", bytes(100));
        spool.add("signals-0000001", bytes(100), SpoolPolicy.KEEP, "signals");
        spool.add("signals-0000002", bytes(100), SpoolPolicy.KEEP, "signals");
        spool.add("inventory-000002", bytes(100));
        // over the bound: the older inventory goes, the signals stay
        assertThat(spool.entries())
                .extracting(Spool.Entry::batchId)
                .containsExactly("signals-0000001", "signals-0000002", "inventory-000002");
        assertThat(spool.status().droppedSections()).isEmpty();
        spool.add("signals-0000003", bytes(100), SpoolPolicy.KEEP, "signals");
        // over again: the inventory goes before any kept batch does (a later inventory will say it again)
        assertThat(spool.entries())
                .extracting(Spool.Entry::batchId)
                .containsExactly("signals-0000001", "signals-0000002", "signals-0000003");
        spool.add("posture-0000001", bytes(100), SpoolPolicy.KEEP, "posture");
        spool.add("signals-0000004", bytes(100), SpoolPolicy.KEEP, "signals");
        // nothing superseding is left: the kept ones beyond the bound go, newest first, so the rest stays gapless
        assertThat(spool.entries())
                .extracting(Spool.Entry::batchId)
                .containsExactly("signals-0000001", "signals-0000002", "signals-0000003");
        assertThat(spool.entries().get(0).policy()).isEqualTo(SpoolPolicy.KEEP);
        assertThat(spool.entries().get(0).section()).isEqualTo("signals");
        assertThat(spool.status().droppedSections())
                .containsExactly(java.util.Map.entry("posture", 1L), java.util.Map.entry("signals", 1L));
        assertThat(spool.dropped()).isEqualTo(4);
        // counted across restarts, and readable without opening the spool
        assertThat(new Spool(temp.resolve("spool"), 350).status().droppedSections())
                .containsEntry("signals", 1L)
                .containsEntry("posture", 1L);
        assertThat(Spool.inspect(temp.resolve("spool")).droppedSections()).containsEntry("signals", 1L);
    }

    @Test
    void rejectedBatchesAreKeptAsideNotRetried() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 1 << 20);
        Spool.Entry entry = spool.add("batch-bad-0001", bytes(5));
        spool.reject(entry);
        assertThat(spool.entries()).isEmpty();
        assertThat(Files.list(temp.resolve("rejected"))).hasSize(1);
    }

    @Test
    void theBoundIsTheSettingGiven() throws Exception {
        Spool small = new Spool(temp.resolve("small"), 1000);
        Spool large = new Spool(temp.resolve("large"), 10_000);
        for (int i = 0; i < 20; i++) {
            small.add("batch-" + i + "-000000", bytes(300));
            large.add("batch-" + i + "-000000", bytes(300));
        }
        assertThat(small.bytes()).isEqualTo(900);
        assertThat(small.entries()).hasSize(3);
        assertThat(large.bytes()).isEqualTo(6000);
        assertThat(large.dropped()).isZero();
        assertThat(small.maxBytes()).isEqualTo(1000);
    }

    @Test
    void dropsAreCountedInBatchesAndBytesNamedInAWarningAndSurviveARestart() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
        List<String> warnings = new ArrayList<>();
        Spool spool = new Spool(temp.resolve("spool"), 250, clock, warnings::add);
        for (int i = 0; i < 5; i++) {
            spool.add("batch-" + i + "-000000", bytes(100));
        }
        assertThat(spool.dropped()).isEqualTo(3);
        assertThat(spool.droppedBytes()).isEqualTo(300);
        assertThat(warnings).hasSize(3);
        assertThat(warnings.getFirst())
                .contains("batch-0-000000")
                .contains("over its bound of 250")
                .contains("--spool-max")
                .contains("supersedes");
        assertThat(warnings.getLast()).contains("3 batches, 300 bytes dropped since 2026-12-01T10:00:00Z");

        // a restarted agent (and vigil agent status, which only reads) still knows
        Spool reopened = new Spool(temp.resolve("spool"), 250, Clock.systemUTC(), warnings::add);
        assertThat(reopened.dropped()).isEqualTo(3);
        assertThat(reopened.droppedBytes()).isEqualTo(300);
        reopened.add("batch-5-000000", bytes(100));
        Spool.Status status = Spool.inspect(temp.resolve("spool"));
        assertThat(status.dropped()).isEqualTo(4);
        assertThat(status.droppedBytes()).isEqualTo(400);
        assertThat(status.droppedSince()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(status.pending()).isEqualTo(2);
        assertThat(status.pendingBytes()).isEqualTo(200);
        assertThat(status.maxBytes()).isEqualTo(250);
        try (var files = Files.list(temp)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("the state file is renamed into place, no temporary left")
                    .containsExactlyInAnyOrder("spool", Spool.STATE_FILE);
        }
    }

    @Test
    void deliveriesAndErrorsAreRememberedForTheStatus() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
        Spool spool = new Spool(temp.resolve("spool"), 1 << 20, clock, w -> {});
        spool.recordDelivered();
        spool.recordError("cannot reach vigil:8700 (ConnectException)");
        Spool.Status status = Spool.inspect(temp.resolve("spool"));
        assertThat(status.lastSentAt()).isEqualTo(clock.instant());
        assertThat(status.lastErrorAt()).isEqualTo(clock.instant());
        assertThat(status.lastError()).isEqualTo("cannot reach vigil:8700 (ConnectException)");
    }

    @Test
    void inspectingLeavesABatchBeingWrittenAlone() throws Exception {
        new Spool(temp.resolve("spool"), 1 << 20).add("batch-a-000001", bytes(10));
        Path writing = Files.writeString(temp.resolve("spool/0000000000000002-b.json.gz.tmp"), "being written");
        assertThat(Spool.inspect(temp.resolve("spool")).pending()).isEqualTo(1);
        assertThat(writing).exists();
    }
}
