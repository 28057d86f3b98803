package vigil.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.server.intake.Intake;
import vigil.server.intake.IntakeException;
import vigil.server.intake.IntakeQueue;

/**
 * Batches through a Kafka topic. A record is the request body as the agent sent it (gzip JSON, checked by the
 * intake before it is written), keyed {@code org/agent} so the default partitioner keeps each agent's batches in
 * order on one partition; headers carry the organization the API key proved and the encoding. The producer is
 * idempotent with {@code acks=all}, so an answered batch is on every in-sync replica. The worker commits a
 * partition's offset only after the store committed its batches; a crash or rebalance replays from the last commit,
 * and the store's batch-id check makes the replay harmless.
 */
public final class KafkaIntakeQueue implements IntakeQueue {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIntakeQueue.class);

    static final String ORG = "vigil-org";
    static final String ENCODING = "vigil-encoding";
    static final String BATCH = "vigil-batch";

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KafkaQueueSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration submitTimeout;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean running = true;
    private volatile @Nullable KafkaConsumer<byte[], byte[]> consumer;
    private @Nullable Thread worker;

    private KafkaIntakeQueue(KafkaQueueSettings settings, KafkaProducer<byte[], byte[]> producer) {
        this.settings = settings;
        this.producer = producer;
        // the producer gives up after delivery.timeout.ms; waiting a little longer lets its own error through
        String timeout = settings.clientProperties().getOrDefault("delivery.timeout.ms", "30000");
        this.submitTimeout = Duration.ofMillis(Long.parseLong(timeout)).plusSeconds(15);
    }

    /** Makes the topic when it does not exist yet and connects the producer. */
    static KafkaIntakeQueue open(KafkaQueueSettings settings) throws IOException {
        try (Admin admin = Admin.create(settings.client(
                "vigil-admin", Map.of("request.timeout.ms", 10_000, "default.api.timeout.ms", 20_000), Map.of()))) {
            ensureTopic(admin, settings);
        } catch (ExecutionException | KafkaException e) {
            throw new IOException("cannot prepare the intake topic on " + settings.describe() + ": " + reasons(e)
                    + "; check the --queue URL and that the brokers are up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing the intake topic on " + settings.describe(), e);
        }
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.client(
                "vigil-intake",
                Map.of(
                        "linger.ms", 2,
                        "max.block.ms", 10_000,
                        "request.timeout.ms", 10_000,
                        "delivery.timeout.ms", 30_000),
                Map.of(
                        "acks",
                        "all",
                        "enable.idempotence",
                        true,
                        // the body is gzip already
                        "compression.type",
                        "none",
                        "max.request.size",
                        KafkaQueueSettings.MAX_MESSAGE_BYTES,
                        "key.serializer",
                        ByteArraySerializer.class.getName(),
                        "value.serializer",
                        ByteArraySerializer.class.getName())));
        return new KafkaIntakeQueue(settings, producer);
    }

    private static void ensureTopic(Admin admin, KafkaQueueSettings settings)
            throws ExecutionException, InterruptedException {
        if (admin.listTopics().names().get().contains(settings.topic())) {
            TopicDescription existing = admin.describeTopics(List.of(settings.topic()))
                    .allTopicNames()
                    .get()
                    .get(settings.topic());
            LOG.info(
                    "intake topic {} has {} partitions",
                    settings.topic(),
                    existing == null ? "?" : existing.partitions().size());
            return;
        }
        int brokers = admin.describeCluster().nodes().get().size();
        int replication = settings.replication() > 0 ? settings.replication() : Math.max(1, Math.min(3, brokers));
        NewTopic topic = new NewTopic(settings.topic(), settings.partitions(), (short) replication)
                .configs(Map.of(
                        "max.message.bytes", String.valueOf(KafkaQueueSettings.MAX_MESSAGE_BYTES),
                        // with three copies, an acknowledged batch survives the loss of one broker
                        "min.insync.replicas", String.valueOf(Math.min(2, replication)),
                        "retention.ms", String.valueOf(TimeUnit.DAYS.toMillis(7))));
        try {
            admin.createTopics(List.of(topic)).all().get();
            LOG.info(
                    "created intake topic {} ({} partitions, replication {})",
                    settings.topic(),
                    settings.partitions(),
                    replication);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // another server instance made it a moment ago
        }
    }

    @Override
    public Intake.Result submit(String orgId, Intake.ParsedBatch batch, byte[] body, boolean gzip)
            throws IntakeException {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                settings.topic(),
                null,
                key(orgId, batch.agentId()),
                body,
                List.<Header>of(
                        new RecordHeader(ORG, bytes(orgId)),
                        new RecordHeader(ENCODING, bytes(gzip ? "gzip" : "identity")),
                        new RecordHeader(BATCH, bytes(batch.batchId()))));
        try {
            producer.send(record).get(submitTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return Intake.Result.queued(batch);
        } catch (ExecutionException e) {
            throw refusal(e.getCause() == null ? e : e.getCause());
        } catch (KafkaException e) {
            throw refusal(e);
        } catch (TimeoutException e) {
            throw unavailable("no answer from the brokers in " + submitTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the server is stopping");
        }
    }

    /** The messages of an exception and its causes, without the wrappers' repetitions. */
    private static String reasons(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof ExecutionException || message == null || text.indexOf(message) >= 0) {
                continue;
            }
            text.append(text.isEmpty() ? "" : ": ").append(message);
        }
        return text.isEmpty() ? e.getClass().getSimpleName() : text.toString();
    }

    static byte[] key(String orgId, String agentId) {
        return bytes(orgId + "/" + agentId);
    }

    private IntakeException refusal(Throwable cause) {
        if (cause instanceof RecordTooLargeException) {
            return new IntakeException(
                    413,
                    "the batch is larger than the intake topic " + settings.topic()
                            + " accepts (its max.message.bytes); send fewer inventories per batch");
        }
        return unavailable(reasons(cause));
    }

    private IntakeException unavailable(String why) {
        return new IntakeException(
                503, "the intake queue cannot take the batch now (" + why + "); the agent keeps it and retries later");
    }

    @Override
    public synchronized void startWorkers(Store store) {
        if (worker != null) {
            throw new IllegalStateException("the workers run already");
        }
        worker = Thread.ofPlatform().name("vigil-kafka-worker").daemon().start(() -> {
            Duration pause = Duration.ofSeconds(1);
            while (running) {
                try {
                    work(store);
                    pause = Duration.ofSeconds(1);
                } catch (WakeupException e) {
                    // close() asked us to stop
                } catch (RuntimeException e) {
                    LOG.error("the intake worker failed; reconnecting in {} s", pause.toSeconds(), e);
                    sleep(pause);
                    pause = min(pause.multipliedBy(2), MAX_BACKOFF);
                }
            }
        });
    }

    private void work(Store store) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.client(
                "vigil-worker",
                Map.of("max.poll.records", 20, "auto.offset.reset", "earliest"),
                Map.of(
                        "group.id", settings.group(),
                        "enable.auto.commit", false,
                        "key.deserializer", ByteArrayDeserializer.class.getName(),
                        "value.deserializer", ByteArrayDeserializer.class.getName())))) {
            this.consumer = consumer;
            if (!running) {
                return;
            }
            consumer.subscribe(List.of(settings.topic()));
            Duration backoff = Duration.ZERO;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                boolean failed = false;
                for (TopicPartition partition : records.partitions()) {
                    failed |= !deliver(consumer, store, partition, records.records(partition));
                }
                if (failed) {
                    backoff = min(backoff.isZero() ? Duration.ofMillis(500) : backoff.multipliedBy(2), MAX_BACKOFF);
                    sleep(backoff);
                } else {
                    backoff = Duration.ZERO;
                }
            }
        } finally {
            this.consumer = null;
        }
    }

    /**
     * Stores a partition's records in order and commits past those stored. On a failure the partition is rewound to
     * the failed record, so it is tried again, and nothing after it is stored before it (one agent's order holds).
     *
     * @return false when a record could not be stored now
     */
    private boolean deliver(
            KafkaConsumer<byte[], byte[]> consumer,
            Store store,
            TopicPartition partition,
            List<ConsumerRecord<byte[], byte[]>> records) {
        long next = -1;
        boolean complete = true;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Optional<Intake.ParsedBatch> batch = parse(record);
            if (batch.isPresent()) {
                try {
                    store.store(text(record, ORG), batch.get());
                    stored.incrementAndGet();
                } catch (RuntimeException e) {
                    LOG.warn(
                            "storing batch {} from {}-{}@{} failed; it is retried",
                            batch.get().batchId(),
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e);
                    consumer.seek(partition, record.offset());
                    complete = false;
                    break;
                }
            }
            next = record.offset() + 1;
        }
        if (next >= 0) {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
        }
        return complete;
    }

    /** The batch of a record, or empty (logged and counted) when the record is not one the intake wrote. */
    private Optional<Intake.ParsedBatch> parse(ConsumerRecord<byte[], byte[]> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String org = text(record, ORG);
        String encoding = text(record, ENCODING);
        byte[] value = record.value();
        if (org.isEmpty() || !Set.of("gzip", "identity").contains(encoding) || value == null) {
            rejected.incrementAndGet();
            LOG.error("skipping record {}: it lacks the organization or encoding headers the intake writes", where);
            return Optional.empty();
        }
        try {
            return Optional.of(Intake.parseBatch(value, encoding.equals("gzip")));
        } catch (IntakeException e) {
            rejected.incrementAndGet();
            LOG.error("skipping record {}: {}", where, e.getMessage());
            return Optional.empty();
        }
    }

    private static String text(ConsumerRecord<byte[], byte[]> record, String header) {
        Header last = record.headers().lastHeader(header);
        return last == null || last.value() == null ? "" : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Batches this instance's worker has stored (including replays the store recognised). */
    public long stored() {
        return stored.get();
    }

    /** Records skipped because they were not written by the intake. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread thread;
        synchronized (this) {
            thread = worker;
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(10));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Waits, but not past {@link #close}. */
    private void sleep(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        try {
            while (running && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
