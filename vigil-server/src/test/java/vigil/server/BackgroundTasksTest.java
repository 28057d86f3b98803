package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A scheduled task that fails runs again next round (a plain ScheduledExecutorService would cancel it for good). */
class BackgroundTasksTest {
    @Test
    void aTaskThatThrowsRunsAgainAndItsFailuresAreCounted() throws Exception {
        try (BackgroundTasks tasks = new BackgroundTasks(1)) {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch third = new CountDownLatch(1);
            tasks.every("flaky", Duration.ZERO, Duration.ofMillis(10), () -> {
                int run = runs.incrementAndGet();
                if (run == 1) {
                    throw new IllegalStateException("the advisory database is half written");
                }
                if (run == 2) {
                    throw new AssertionError("an error, not an exception");
                }
                third.countDown();
            });
            assertThat(third.await(60, TimeUnit.SECONDS))
                    .as("the task ran again after failing")
                    .isTrue();
            assertThat(tasks.failures()).containsEntry("flaky", 2L);
        }
    }
}
