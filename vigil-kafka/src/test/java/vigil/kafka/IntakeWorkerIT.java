package vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.model.batch.Source;
import vigil.server.intake.Intake;
import vigil.server.store.StoreErrors;
import vigil.spi.intake.BatchSink;
import vigil.spi.intake.IntakeException;

/**
 * The worker's failure handling against a real broker, with a hand-written store that fails on purpose: a batch the
 * store cannot take now holds back only its own agent's later batches and is retried until it is stored; a batch
 * the store refuses for good moves to the dead-letter topic with its reason and the agent's next batch goes on.
 */
class IntakeWorkerIT {
    private static final String ORG = "org-worker-it";
    private static final String KEY = "key-worker-it";

    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = KafkaIntakeIT.oneNodeCluster();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Stores by recording; fails a batch as often as told, with the given failure. */
    private static final class FailingStore implements BatchSink {
        final List<String> stored = new ArrayList<>();
        final Map<String, Integer> attempts = new HashMap<>();
        final Map<String, Integer> failures = new HashMap<>();
        final Map<String, RuntimeException> failure = new HashMap<>();

        @Override
        public synchronized Delivery store(
                String orgId, @org.jspecify.annotations.Nullable String keyId, byte[] body, boolean gzip) {
            assertThat(orgId).isEqualTo(ORG);
            assertThat(keyId).as("the sending key travels with the batch").isEqualTo(KEY);
            String id;
            try {
                id = Intake.parseBatch(body, gzip).batchId();
            } catch (IntakeException e) {
                return new NotABatch(String.valueOf(e.getMessage()));
            }
            int attempt = attempts.merge(id, 1, Integer::sum);
            if (attempt <= failures.getOrDefault(id, 0)) {
                RuntimeException e = failure.get(id);
                return new Failed(StoreErrors.classify(e).orElse(null), e);
            }
            stored.add(id);
            return new Stored(id, false);
        }

        synchronized List<String> stored() {
            return List.copyOf(stored);
        }

        synchronized int attempts(String id) {
            return attempts.getOrDefault(id, 0);
        }
    }

    @Test
    void aBatchTheStoreCannotTakeNowHoldsBackOnlyItsOwnAgent() throws Exception {
        KafkaQueueSettings settings = settings("worker-order");
        String agentA = "agent-a-0001";
        String agentB = agentOnAnotherPartition(agentA, 4);
        FailingStore store = new FailingStore();
        // a database away: more failures than a refusal is given, and still no batch is set aside
        store.failures.put("a-2-batch", IntakeWorker.DATA_ERROR_ATTEMPTS + 1);
        store.failure.put(
                "a-2-batch", new IllegalStateException(new SQLTransientConnectionException("connection refused")));
        try (KafkaIntakeQueue queue = KafkaIntakeQueue.open(settings)) {
            queue.startWorkers(store);
            for (String id : List.of("a-1-batch", "a-2-batch", "a-3-batch")) {
                submit(queue, id, agentA);
            }
            for (String id : List.of("b-1-batch", "b-2-batch")) {
                submit(queue, id, agentB);
            }
            await(() -> store.stored().size() == 5, "all five stored: " + store.stored());
            List<String> order = store.stored();
            assertThat(order.stream().filter(id -> id.startsWith("a-")))
                    .containsExactly("a-1-batch", "a-2-batch", "a-3-batch");
            assertThat(order.indexOf("b-2-batch"))
                    .as("the other agent's batches went on while a-2 waited: %s", order)
                    .isLessThan(order.indexOf("a-2-batch"));
            assertThat(store.attempts("a-2-batch")).isEqualTo(IntakeWorker.DATA_ERROR_ATTEMPTS + 2);
            assertThat(store.attempts("a-3-batch")).as("nothing overtook a-2").isEqualTo(1);
            assertThat(queue.deadLettered()).isZero();
        }
    }

    @Test
    void aBatchTheStoreRefusesForGoodIsSetAsideWithItsReason() throws Exception {
        KafkaQueueSettings settings = settings("worker-poison");
        FailingStore store = new FailingStore();
        store.failures.put("poison-batch", Integer.MAX_VALUE);
        store.failure.put(
                "poison-batch",
                new IllegalStateException(
                        new SQLIntegrityConstraintViolationException("FOREIGN KEY constraint failed", "23503")));
        try (KafkaIntakeQueue queue = KafkaIntakeQueue.open(settings)) {
            queue.startWorkers(store);
            byte[] poison = submit(queue, "poison-batch", "agent-p-0001");
            submit(queue, "after-poison", "agent-p-0001");
            await(() -> store.stored().contains("after-poison"), "the batch after the refused one is stored");
            assertThat(store.attempts("poison-batch")).isEqualTo(IntakeWorker.DATA_ERROR_ATTEMPTS);
            assertThat(queue.deadLettered()).isEqualTo(1);
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(IntakeTopics.deadLetters(settings.topic()), 1);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).value()).isEqualTo(poison);
            assertThat(new String(
                            dead.get(0).headers().lastHeader(IntakeWorker.ERROR).value(), StandardCharsets.UTF_8))
                    .contains("the store refused it 3 times")
                    .contains("FOREIGN KEY constraint failed");
            assertThat(new String(
                            dead.get(0)
                                    .headers()
                                    .lastHeader(KafkaIntakeQueue.ORG)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(ORG);
        }
    }

    @Test
    void refusalsAreToldFromOutages() {
        assertThat(dataError(new RuntimeException(new SQLIntegrityConstraintViolationException("x", "23505"))))
                .isTrue();
        // SQLite's codes, not its message text: a constraint's extended code counts, a lock does not
        assertThat(dataError(new RuntimeException(new org.sqlite.SQLiteException(
                        "UNIQUE constraint failed", org.sqlite.SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY))))
                .isTrue();
        assertThat(dataError(new RuntimeException(
                        new org.sqlite.SQLiteException("locked", org.sqlite.SQLiteErrorCode.SQLITE_BUSY))))
                .isFalse();
        assertThat(dataError(new RuntimeException(new java.sql.SQLException("[SQLITE_CONSTRAINT] x"))))
                .as("a message that looks like a code is not one")
                .isFalse();
        assertThat(dataError(new RuntimeException(new SQLTransientConnectionException("down"))))
                .isFalse();
        assertThat(dataError(new RuntimeException(new java.sql.SQLException("[SQLITE_BUSY] database is locked"))))
                .isFalse();
        assertThat(dataError(new NullPointerException("a bug meeting this record")))
                .isTrue();
    }

    /** As the server's sink answers a failure: with the store's code found in it. */
    private static boolean dataError(Throwable e) {
        return IntakeWorker.isDataError(
                new BatchSink.Failed(StoreErrors.classify(e).orElse(null), e));
    }

    private static KafkaQueueSettings settings(String topic) throws Exception {
        return KafkaQueueSettings.parse(URI.create(
                "kafka://" + cluster.bootstrapServers() + "?topic=" + topic + "&partitions=4&group=" + topic));
    }

    /** An agent id whose key hashes to another of the topic's partitions than {@code agent}'s. */
    private static String agentOnAnotherPartition(String agent, int partitions) {
        int taken = partition(agent, partitions);
        for (int i = 0; ; i++) {
            String candidate = "agent-b-" + String.format("%04d", i);
            if (partition(candidate, partitions) != taken) {
                return candidate;
            }
        }
    }

    private static int partition(String agent, int partitions) {
        return Utils.toPositive(Utils.murmur2(KafkaIntakeQueue.key(ORG, Source.agent(agent)))) % partitions;
    }

    /** Queues a heartbeat batch of the agent; returns the record's value. */
    private static byte[] submit(KafkaIntakeQueue queue, String batchId, String agentId) throws Exception {
        String json = "{\"batchId\":\"" + batchId + "\",\"agent\":{\"id\":\"" + agentId
                + "\",\"hostname\":\"h\",\"version\":\"1.0\",\"deployment\":\"linux\",\"facts\":{},"
                + "\"capabilities\":[]},\"inventories\":[]}";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = bytes.toByteArray();
        queue.submit(ORG, KEY, batchId, Source.agent(agentId), body, true);
        return body;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", cluster.bootstrapServers());
        properties.put("key.deserializer", ByteArrayDeserializer.class.getName());
        properties.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Instant deadline = Instant.now().plusSeconds(30);
            while (records.size() < expected && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
