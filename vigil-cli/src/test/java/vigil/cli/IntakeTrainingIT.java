package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server cache's training run (ADR 0041) takes the path of a real first batch: every batch is accepted, and the
 * new agents' findings are stored, not just sent (a training that found nothing would leave the writer's insert
 * path, which the cold round spends its time in, out of the cache).
 */
class IntakeTrainingIT {
    @TempDir
    Path temp;

    @Test
    void everyBatchIsAcceptedAndEveryNewAgentsFindingsAreStored() throws Exception {
        assertThat(IntakeTraining.train(temp)).isEqualTo(2 * IntakeTraining.NEW_AGENTS);
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + temp.resolve("server/server.db"));
                var statement = connection.createStatement();
                var rows = statement.executeQuery(
                        "SELECT COUNT(DISTINCT resource_id), COUNT(*) FROM findings WHERE status = 'open'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(IntakeTraining.NEW_AGENTS);
            // two binary packages of each source, each affected by the source's two advisories
            assertThat(rows.getInt(2)).isEqualTo(IntakeTraining.NEW_AGENTS * IntakeTraining.SOURCES * 4);
        }
    }
}
