package vigil.vulndb.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AffectedPackage;

/** Advisories read in batches are those read one by one, in the order asked, duplicates included. */
class AdvisoryStoreTest {
    @TempDir
    Path temp;

    @Test
    void advisoriesReadInBatchesAreThoseReadOneByOne() throws Exception {
        Path file = AdvisoryStore.fileIn(temp);
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, false)) {
            for (int i = 0; i < 1_234; i++) {
                builder.put(new Advisory(
                        "DSA-" + i,
                        List.of("CVE-2099-" + i),
                        "osv",
                        "summary " + i,
                        Severity.values()[i % Severity.values().length],
                        "debian",
                        List.of(),
                        List.of("https://example.invalid/" + i),
                        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
                        i % 2 == 0 ? null : Instant.parse("2026-02-01T00:00:00.5Z"),
                        List.of(new AffectedPackage(
                                "Debian:12",
                                "pkg" + (i % 7),
                                List.of(new AffectedPackage.VersionRange("0", "1." + i, null)),
                                List.of(),
                                FixState.FIXED,
                                null))));
            }
            builder.publish(Instant.parse("2026-03-01T00:00:00Z"));
        }
        List<Long> keys = new ArrayList<>();
        try (AdvisoryStore store = AdvisoryStore.open(file)) {
            for (int p = 0; p < 7; p++) {
                store.affected("Debian:12", "pkg" + p).forEach(entry -> keys.add(entry.advisoryKey()));
            }
            assertThat(keys).hasSize(1_234);
            keys.add(keys.get(3));
            keys.add(keys.get(1_000));
        }
        List<Advisory> oneByOne = new ArrayList<>();
        try (AdvisoryStore store = AdvisoryStore.open(file)) {
            for (long key : keys) {
                oneByOne.add(store.advisory(key));
            }
        }
        try (AdvisoryStore store = AdvisoryStore.open(file)) {
            store.advisory(keys.get(5)); // one already read
            assertThat(store.advisories(keys)).isEqualTo(oneByOne);
        }
    }
}
