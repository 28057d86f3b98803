package vigil.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.server.store.Database;

/** A background task whose last round failed makes the server degraded, in words, until a round succeeds. */
class HealthBackgroundIT {
    @Test
    void failingBackgroundWorkIsAReasonUntilItRecovers(@TempDir Path temp) throws Exception {
        try (Database database = Database.open(temp, null)) {
            Health health = new Health(database, null);
            assertThat(health.report().ok()).isTrue();
            List<String> failing = new ArrayList<>(List.of("re-evaluating failed its last 3 rounds (disk I/O error)"));
            health.watchBackground(() -> List.copyOf(failing));
            Health.Report degraded = health.report();
            assertThat(degraded.ok()).isFalse();
            assertThat(degraded.reasons())
                    .containsExactly(
                            "background work failing: re-evaluating failed its last 3 rounds (disk I/O error)");
            assertThat(degraded.json()).containsEntry("status", "degraded");
            failing.clear();
            health.watchBackground(() -> List.copyOf(failing)); // drops the cached verdict, as a new round would age it
            assertThat(health.report().ok()).isTrue();
        }
    }
}
