package vigil.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The agent's schedule on a fake clock, against a fake server that can be down, answer 503 or take batches. */
class AgentLoopTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path temp;

    /** A clock that moves only when the loop sleeps. */
    static final class FakeTime extends Clock implements AgentLoop.Sleeper {
        Instant now = START;
        final List<Instant> wakes = new ArrayList<>();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public void sleepUntil(Instant wake) {
            wakes.add(wake);
            if (wake.isAfter(now)) {
                now = wake;
            }
        }

        double seconds() {
            return Duration.between(START, now).toMillis() / 1000.0;
        }
    }

    /** One try at the server: when, which batch, and whether it was taken. */
    record Attempt(double at, String batchId, boolean taken, JsonNode body) {}

    /** A server that is down (connection refused) until {@code upAt}, or answers {@code status} with Retry-After. */
    static final class FakeServer implements Uploader.Transport {
        final FakeTime time;
        double upAt;
        int downStatus;

        @Nullable
        String retryAfter;

        final List<Attempt> attempts = new ArrayList<>();

        FakeServer(FakeTime time, double upAt) {
            this.time = time;
            this.upAt = upAt;
        }

        @Override
        public Uploader.Response post(String batchId, byte[] body) throws IOException {
            boolean up = time.seconds() >= upAt;
            attempts.add(new Attempt(time.seconds(), batchId, up, JSON.readTree(body)));
            if (up) {
                return new Uploader.Response(202, "{}", null);
            }
            if (downStatus == 0) {
                throw new java.net.ConnectException("Connection refused");
            }
            return new Uploader.Response(downStatus, "{\"error\":\"busy\"}", retryAfter);
        }

        List<Double> triesAt() {
            return attempts.stream().map(Attempt::at).distinct().toList();
        }

        List<Attempt> taken() {
            return attempts.stream().filter(Attempt::taken).toList();
        }
    }

    /** Batches of a fixed size that say what they are and what spool status they were made with. */
    static final class FakeBatches implements AgentRunner.Batches {
        final FakeTime time;
        final List<Spool.Status> seen = new ArrayList<>();
        final List<String> made = new ArrayList<>();
        int size = 200;

        FakeBatches(FakeTime time) {
            this.time = time;
        }

        @Override
        public BatchMaker.Batch make(boolean withInventory, Spool.Status spool) {
            seen.add(spool);
            String id = String.format("batch-%04d-%s", made.size(), withInventory ? "inv" : "hb");
            made.add(time.seconds() + " " + (withInventory ? "inventory" : "heartbeat"));
            String json = "{\"batchId\":\"" + id + "\",\"spool\":{\"dropped\":" + spool.dropped() + "},\"pad\":\"";
            json += "x".repeat(Math.max(0, size - json.length() - 2)) + "\"}";
            return new BatchMaker.Batch(id, json.getBytes(StandardCharsets.UTF_8), withInventory, 0);
        }
    }

    private final FakeTime time = new FakeTime();
    private final FakeBatches batches = new FakeBatches(time);
    private final List<String> log = new ArrayList<>();

    private AgentLoop loop(FakeServer server, AgentLoop.Settings settings, double jitter, long spoolMax)
            throws IOException {
        Spool spool = new Spool(temp.resolve("spool"), spoolMax, time, log::add);
        AgentRunner runner =
                new AgentRunner(batches, spool, new Uploader(URI.create("http://vigil.test:8700"), server));
        RandomGenerator random = () -> (long) (jitter * (1L << 53)) << 11;
        return new AgentLoop(runner, settings, time, time, random, log::add);
    }

    private void runUntil(AgentLoop loop, double seconds) throws IOException {
        while (time.seconds() < seconds) {
            time.sleepUntil(loop.step());
        }
    }

    private static AgentLoop.Settings settings(int intervalSeconds, int heartbeatSeconds) {
        return new AgentLoop.Settings(
                Duration.ofSeconds(intervalSeconds),
                Duration.ofSeconds(heartbeatSeconds),
                Duration.ofSeconds(1),
                Duration.ofMinutes(5));
    }

    @Test
    void anIntervalShorterThanAMinuteIsHonoured() throws Exception {
        FakeServer server = new FakeServer(time, 0);
        runUntil(loop(server, settings(15, 60), 0, 1 << 20), 61);
        assertThat(batches.made)
                .containsExactly(
                        "0.0 inventory", "15.0 inventory", "30.0 inventory", "45.0 inventory", "60.0 inventory");
        assertThat(server.triesAt()).as("each batch is sent when made").containsExactly(0.0, 15.0, 30.0, 45.0, 60.0);
    }

    @Test
    void heartbeatsFillTheGapsBetweenInventories() throws Exception {
        FakeServer server = new FakeServer(time, 0);
        runUntil(loop(server, settings(3600, 60), 0, 1 << 20), 3601);
        assertThat(batches.made).hasSize(61);
        assertThat(batches.made.get(1)).isEqualTo("60.0 heartbeat");
        assertThat(batches.made.get(59)).isEqualTo("3540.0 heartbeat");
        assertThat(batches.made.getLast()).isEqualTo("3600.0 inventory");
        assertThat(time.wakes)
                .as("nothing pending: the loop sleeps until the next batch")
                .hasSize(61);
    }

    @Test
    void whileTheServerIsAwayTriesBackOffFromOneSecondDoublingToFiveMinutesWithJitter() throws Exception {
        FakeServer server = new FakeServer(time, Double.MAX_VALUE);
        runUntil(loop(server, settings(3600, 3600), 0, 1 << 20), 1200);
        List<Double> gaps = gaps(server.triesAt());
        // the least jitter waits half the ceiling: 1 s, 2 s, 4 s ... 300 s
        assertThat(gaps).startsWith(0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 150.0, 150.0);

        FakeTime other = new FakeTime();
        AgentLoop most = new AgentLoop(
                new AgentRunner(
                        new FakeBatches(other),
                        new Spool(temp.resolve("other"), 1 << 20, other, log::add),
                        new Uploader(URI.create("http://vigil.test:8700"), new FakeServer(other, Double.MAX_VALUE))),
                settings(3600, 3600),
                other,
                other,
                () -> (long) (0.999999 * (1L << 53)) << 11,
                log::add);
        assertThat(most.backoff(1)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        assertThat(most.backoff(3)).isBetween(Duration.ofMillis(3999), Duration.ofSeconds(4));
        assertThat(most.backoff(30)).isBetween(Duration.ofMillis(299_999), Duration.ofMinutes(5));
    }

    @Test
    void theSpoolIsSentAsSoonAsTheServerAnswersNotAtTheNextBatch() throws Exception {
        FakeServer server = new FakeServer(time, 20);
        runUntil(loop(server, settings(3600, 60), 0, 1 << 20), 59);
        // tries at 0, 0.5, 1.5, 3.5, 7.5, 15.5, then 31.5 finds the server back: the loop woke for the retry
        assertThat(server.triesAt()).containsExactly(0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5);
        assertThat(server.taken()).extracting(Attempt::at).containsExactly(31.5);
        assertThat(time.wakes).contains(START.plusMillis(31_500));
        assertThat(log).anySatisfy(line -> assertThat(line).contains("next try in 8.0 s"));
    }

    @Test
    void batchesMadeDuringTheBackOffWaitForItAndAllArriveInOrder() throws Exception {
        FakeServer server = new FakeServer(time, 150);
        runUntil(loop(server, settings(3600, 60), 0, 1 << 20), 300);
        // heartbeats are spooled without a try of their own; 127.5 fails, and the doubled wait ends at 255.5
        assertThat(server.triesAt()).containsExactly(0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5, 127.5, 255.5);
        assertThat(server.taken())
                .extracting(Attempt::batchId)
                .containsExactly("batch-0000-inv", "batch-0001-hb", "batch-0002-hb", "batch-0003-hb", "batch-0004-hb");
        assertThat(server.taken().getFirst().at()).isEqualTo(255.5);
    }

    @Test
    void aRetryAfterFromTheServerSetsTheNextTry() throws Exception {
        FakeServer server = new FakeServer(time, 30);
        server.downStatus = 503;
        server.retryAfter = "7";
        runUntil(loop(server, settings(3600, 3600), 0, 1 << 20), 40);
        assertThat(server.triesAt()).containsExactly(0.0, 7.0, 14.0, 21.0, 28.0, 35.0);
        assertThat(log.getFirst()).contains("503").contains("retry after 7 s").contains("next try in 7.0 s");
    }

    @Test
    void everyBatchCarriesTheSpoolsDropsAndTheyReachTheServer() throws Exception {
        FakeServer server = new FakeServer(time, 100);
        batches.size = 100;
        runUntil(loop(server, settings(10, 60), 0, 250), 140);
        assertThat(batches.seen.getFirst().dropped()).isZero();
        assertThat(batches.seen.getLast().dropped()).isPositive();
        assertThat(batches.seen.getLast().droppedBytes())
                .isEqualTo(100 * batches.seen.getLast().dropped());
        assertThat(server.taken())
                .as("the server hears of the drops in the batches that follow them")
                .anySatisfy(
                        a -> assertThat(a.body().path("spool").path("dropped").asLong())
                                .isPositive());
        assertThat(log).anySatisfy(line -> assertThat(line).contains("dropped the 1 oldest batch(es)"));
    }

    @Test
    void aFailingScanIsLoggedAndTheLoopGoesOn() throws Exception {
        FakeServer server = new FakeServer(time, 0);
        AgentRunner.Batches failingFirst = new AgentRunner.Batches() {
            boolean failed;

            @Override
            public BatchMaker.Batch make(boolean withInventory, Spool.Status spool) throws IOException {
                if (!failed) {
                    failed = true;
                    throw new IOException("No space left on device");
                }
                return batches.make(withInventory, spool);
            }
        };
        AgentRunner runner = new AgentRunner(
                failingFirst,
                new Spool(temp.resolve("spool"), 1 << 20, time, log::add),
                new Uploader(URI.create("http://vigil.test:8700"), server));
        AgentLoop loop = new AgentLoop(
                runner,
                settings(3600, 60),
                time,
                wake -> {
                    if (time.wakes.size() >= 3) {
                        throw new InterruptedException();
                    }
                    time.sleepUntil(wake);
                },
                () -> 0L,
                log::add);
        assertThatThrownBy(loop::run).isInstanceOf(InterruptedException.class);
        assertThat(log.getFirst()).contains("error: IOException: No space left on device; trying again in 10 s");
        assertThat(batches.made).startsWith("60.0 heartbeat");
        assertThat(server.taken()).hasSize(2);
    }

    @Test
    void collectorsAreAskedEveryFewSecondsSoSignalsLeaveWithinSeconds() throws Exception {
        FakeServer server = new FakeServer(time, 0);
        List<Double> asked = new ArrayList<>();
        List<Double> withSignals = List.of(7.0, 30.0);
        vigil.agent.collect.Collector signals = new vigil.agent.collect.Collector() {
            @Override
            public vigil.model.batch.SectionType section() {
                return vigil.model.batch.SectionType.SIGNALS;
            }

            @Override
            public vigil.agent.collect.SpoolPolicy policy() {
                return vigil.agent.collect.SpoolPolicy.KEEP;
            }

            @Override
            public List<tools.jackson.databind.node.ObjectNode> collect() {
                asked.add(time.seconds());
                return List.of();
            }
        };
        Spool spool = new Spool(temp.resolve("spool"), 1 << 20, time, log::add);
        AgentRunner.SectionBatches sections = (collector, status) -> {
            collector.collect();
            double at = time.seconds();
            boolean some = withSignals.stream().anyMatch(t -> at >= t && at < t + 5);
            String id = "signals-" + at;
            return new BatchMaker.Batch(
                    id,
                    some ? ("{\"batchId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8) : new byte[0],
                    false,
                    0);
        };
        AgentRunner runner = new AgentRunner(
                batches, sections, spool, new Uploader(URI.create("http://vigil.test:8700"), server), List.of(signals));
        AgentLoop loop = new AgentLoop(
                runner,
                new AgentLoop.Settings(
                        Duration.ofSeconds(3600),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(5)),
                time,
                time,
                () -> 0L,
                log::add);
        runUntil(loop, 61);
        // with the inventory at 0, then every 5 s, and with the heartbeat at 60
        assertThat(asked).startsWith(0.0, 5.0, 10.0, 15.0).contains(55.0, 60.0);
        assertThat(batches.made).containsExactly("0.0 inventory", "60.0 heartbeat");
        // a batch of signals made at 10 s is sent at 10 s, not at the next heartbeat
        assertThat(server.taken()).extracting(Attempt::batchId).contains("signals-10.0", "signals-30.0");
        assertThat(server.taken().stream()
                        .filter(a -> a.batchId().equals("signals-10.0"))
                        .findFirst()
                        .orElseThrow()
                        .at())
                .isEqualTo(10.0);
        assertThatThrownBy(() -> new AgentLoop.Settings(
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(5),
                        Duration.ofMillis(100)))
                .hasMessageContaining("at most once a second");
    }

    @Test
    void intervalsBelowTheMinimumAreRefused() {
        assertThatThrownBy(() -> AgentLoop.Settings.every(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 10 s");
        assertThat(AgentLoop.Settings.every(Duration.ofSeconds(10)).interval()).hasSeconds(10);
    }

    private static List<Double> gaps(List<Double> times) {
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }
}
