package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalThrottleTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    private static Signal signal(String rule, long pid) {
        return new Signal(
                java.util.UUID.randomUUID().toString(),
                rule,
                "",
                "high",
                null,
                null,
                T0,
                T0,
                1,
                "open",
                new Signal.Proc(pid, 1, "/usr/bin/cat", "cat", "cat /etc/shadow", 0, "root", 0, "root"),
                List.of(),
                null,
                null,
                null,
                Map.of(),
                List.of());
    }

    @Test
    void aFirstMatchIsSentAtOnceAndRepeatsFoldIntoItUntilItIsTaken() {
        SignalThrottle throttle = new SignalThrottle(Duration.ofSeconds(30), 100);
        throttle.offer("r", 10, "/usr/bin/cat", 0, T0, () -> signal("r", 10));
        throttle.offer("r", 10, "/usr/bin/cat", 1, T0.plusSeconds(1), () -> signal("r", 10));
        throttle.offer("r", 11, "/usr/bin/cat", 2, T0.plusSeconds(2), () -> signal("r", 11));
        List<Signal> taken = throttle.take(3);
        assertThat(taken).hasSize(2);
        assertThat(taken.getFirst().count()).isEqualTo(2);
        assertThat(taken.getFirst().lastTime()).isEqualTo(T0.plusSeconds(1));
        assertThat(taken.get(1).process().pid()).isEqualTo(11);
        assertThat(throttle.take(4)).isEmpty();
        assertThat(throttle.suppressed()).isZero();
    }

    @Test
    void repeatsAfterASignalWaitForTheWindowAsOneFollowUp() {
        SignalThrottle throttle = new SignalThrottle(Duration.ofSeconds(30), 100);
        throttle.offer("r", 10, "/bin/x", 0, T0, () -> signal("r", 10));
        assertThat(throttle.take(0)).hasSize(1);
        for (int i = 1; i <= 500; i++) {
            throttle.offer("r", 10, "/bin/x", i * SECOND / 100, T0.plusMillis(i * 10L), () -> signal("r", 10));
        }
        assertThat(throttle.take(29 * SECOND)).as("inside the window: held").isEmpty();
        List<Signal> followUp = throttle.take(30 * SECOND);
        assertThat(followUp).hasSize(1);
        assertThat(followUp.getFirst().count()).isEqualTo(500);
        assertThat(followUp.getFirst().lastTime()).isEqualTo(T0.plusMillis(5_000));
        // another process, or another executable, is another signal
        throttle.offer("r", 10, "/bin/y", 31 * SECOND, T0, () -> signal("r", 10));
        assertThat(throttle.take(31 * SECOND)).hasSize(1);
    }

    @Test
    void aRuleMakesAtMostItsLimitOfNewSignalsPerWindowAndTheRestIsCounted() {
        SignalThrottle throttle = new SignalThrottle(Duration.ofSeconds(30), 3);
        for (int pid = 1; pid <= 10; pid++) {
            long p = pid;
            throttle.offer("noisy", pid, "/bin/x", pid, T0, () -> signal("noisy", p));
        }
        throttle.offer("quiet", 1, "/bin/x", 11, T0, () -> signal("quiet", 1));
        assertThat(throttle.take(12)).extracting(Signal::ruleId).containsExactly("noisy", "noisy", "noisy", "quiet");
        assertThat(throttle.suppressed()).isEqualTo(7);
        // the next window: the rule may signal again
        throttle.offer("noisy", 99, "/bin/x", 31 * SECOND, T0, () -> signal("noisy", 99));
        assertThat(throttle.take(31 * SECOND)).hasSize(1);
    }

    @Test
    void tooManyWaitingIsCountedNotLost() {
        SignalThrottle throttle = new SignalThrottle(Duration.ofSeconds(30), Integer.MAX_VALUE);
        for (int pid = 0; pid < SignalThrottle.MAX_WAITING + 5; pid++) {
            long p = pid;
            throttle.offer("r", pid, "/bin/x", 0, T0, () -> signal("r", p));
        }
        assertThat(throttle.waiting()).isEqualTo(SignalThrottle.MAX_WAITING);
        assertThat(throttle.suppressed()).isEqualTo(5);
        assertThat(throttle.takeAll()).hasSize(SignalThrottle.MAX_WAITING);
    }
}
