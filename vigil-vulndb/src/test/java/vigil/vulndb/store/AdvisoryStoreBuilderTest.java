package vigil.vulndb.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.model.FixState;
import vigil.model.Severity;
import vigil.vulndb.Advisory;
import vigil.vulndb.AffectedPackage;

/**
 * A fresh build creates its indexes after the rows; whatever happens on the way (a repeated advisory, a document
 * rolled back after the indexes were created), the published database has every index and each key once.
 */
class AdvisoryStoreBuilderTest {
    private static final Instant BUILT = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path temp;

    private static Advisory advisory(String id, String fixed) {
        return new Advisory(
                id,
                List.of(),
                "osv",
                "summary",
                Severity.HIGH,
                "debian",
                List.of(),
                List.of(),
                null,
                null,
                List.of(new AffectedPackage(
                        "Debian:12",
                        "pkg",
                        List.of(new AffectedPackage.VersionRange("0", fixed, null)),
                        List.of(),
                        FixState.FIXED,
                        null)));
    }

    private static List<String> indexes(Path file) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
                                + " ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static List<String> fixes(Path file) throws Exception {
        List<String> fixed = new ArrayList<>();
        try (AdvisoryStore store = AdvisoryStore.open(file)) {
            for (AdvisoryStore.Affected entry : store.affected("Debian:12", "pkg")) {
                fixed.add(store.advisory(entry.advisoryKey()).id() + "="
                        + entry.affected().ranges().getFirst().fixed());
            }
        }
        fixed.sort(null);
        return fixed;
    }

    @Test
    void aFreshBuildPublishesEveryIndex() throws Exception {
        Path file = AdvisoryStore.fileIn(temp);
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, false)) {
            builder.put(advisory("A-1", "1.0"));
            builder.put(advisory("A-2", "2.0"));
            builder.publish(BUILT);
        }
        assertThat(indexes(file)).containsExactly("advisory_key", "affected_advisory", "affected_lookup");
        assertThat(fixes(file)).containsExactly("A-1=1.0", "A-2=2.0");
    }

    @Test
    void aRepeatedAdvisoryReplacesTheFirstAndARolledBackDocumentTakesNoIndexWithIt() throws Exception {
        Path file = AdvisoryStore.fileIn(temp);
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, false)) {
            builder.savepoint();
            builder.put(advisory("A-1", "1.0"));
            builder.releaseSavepoint();
            builder.savepoint();
            builder.put(advisory("A-1", "1.1")); // repeated: the indexes are created inside this savepoint
            builder.rollbackToSavepoint(); // ... and rolled back with it
            builder.savepoint();
            builder.put(advisory("A-2", "2.0"));
            builder.put(advisory("A-2", "2.1"));
            builder.releaseSavepoint();
            builder.publish(BUILT);
        }
        assertThat(indexes(file)).containsExactly("advisory_key", "affected_advisory", "affected_lookup");
        assertThat(fixes(file)).containsExactly("A-1=1.0", "A-2=2.1");
    }

    @Test
    void aMergeReplacesWhatTheLiveDatabaseHeld() throws Exception {
        Path file = AdvisoryStore.fileIn(temp);
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, false)) {
            builder.put(advisory("A-1", "1.0"));
            builder.put(advisory("A-2", "2.0"));
            builder.publish(BUILT);
        }
        try (AdvisoryStoreBuilder builder = AdvisoryStoreBuilder.start(file, true)) {
            builder.put(advisory("A-2", "2.5"));
            builder.put(advisory("A-3", "3.0"));
            builder.publish(BUILT);
        }
        assertThat(indexes(file)).containsExactly("advisory_key", "affected_advisory", "affected_lookup");
        assertThat(fixes(file)).containsExactly("A-1=1.0", "A-2=2.5", "A-3=3.0");
    }
}
