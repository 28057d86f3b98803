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
            CountDownLatch second = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch third = new CountDownLatch(1);
            tasks.every("flaky", Duration.ZERO, Duration.ofMillis(10), () -> {
                int run = runs.incrementAndGet();
                if (run == 1) {
                    throw new IllegalStateException("the advisory database is half written");
                }
                if (run == 2) {
                    second.countDown();
                    throw new AssertionError("an error, not an exception");
                }
                if (run == 3) {
                    await(release); // holds the third round until the failures were looked at
                }
                third.countDown();
            });
            assertThat(second.await(60, TimeUnit.SECONDS)).isTrue();
            // the second failure is counted once its round ends: wait for it, then look (the third round waits)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tasks.failing().isEmpty() || !tasks.failing().getFirst().contains("last 2 rounds")) {
                assertThat(System.nanoTime()).as("the failures were recorded").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(tasks.failing())
                    .containsExactly("flaky failed its last 2 rounds (an error, not an exception); it runs again next"
                            + " round, and the server log has the details");
            release.countDown();
            assertThat(third.await(60, TimeUnit.SECONDS))
                    .as("the task ran again after failing")
                    .isTrue();
            assertThat(tasks.failures()).containsEntry("flaky", 2L);
            // a round that succeeds ends the streak: /healthz no longer names the task
            long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!tasks.failing().isEmpty()) {
                assertThat(System.nanoTime()).as("the streak ended").isLessThan(deadline2);
                Thread.sleep(5);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
