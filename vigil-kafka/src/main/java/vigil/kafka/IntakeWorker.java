package vigil.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.spi.intake.BatchSink;

/**
 * Works the intake topic in the server's consumer group. Each partition's records are stored in order and its
 * offset committed only after the store committed them. A record the store cannot take now rewinds and pauses only
 * its own partition, with a growing pause, while the other partitions go on; so one agent's batches never overtake
 * each other and one agent's trouble does not hold up the rest. A record that cannot ever be stored (not written by
 * the intake, not a batch, or refused by the store's constraints three times) moves to the dead-letter topic with
 * the reason, so it is kept but no longer blocks its partition. A store that is down is retried without limit.
 */
final class IntakeWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeWorker.class);

    static final String ERROR = "vigil-error";
    static final int DATA_ERROR_ATTEMPTS = 3;

    /** How long the group waits for a silent worker before giving its partitions to the others. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private final KafkaQueueSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final BatchSink sink;
    private final String clientId;
    private final Map<TopicPartition, Retry> retries = new HashMap<>();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running = true;
    private volatile @Nullable KafkaConsumer<byte[], byte[]> consumer;
    private boolean polled;
    /** The brokers refused {@link #SESSION_TIMEOUT} (a larger group.min.session.timeout.ms): use their default. */
    private boolean brokersSessionTimeout;

    /** A partition waiting to try {@code offset} again, the attempt after {@code attempts} failed ones. */
    private record Retry(long offset, int attempts, long resumeAtNanos) {}

    private enum Outcome {
        STORED,
        SET_ASIDE,
        RETRY
    }

    IntakeWorker(KafkaQueueSettings settings, KafkaProducer<byte[], byte[]> producer, BatchSink sink, String id) {
        this.settings = settings;
        this.producer = producer;
        this.sink = sink;
        this.clientId = id;
    }

    long deadLettered() {
        return deadLettered.get();
    }

    /** Asks the loop to end after the record in hand. */
    void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void run() {
        Duration pause = Duration.ofSeconds(1);
        while (running) {
            polled = false;
            try {
                work();
            } catch (WakeupException e) {
                // stop() asked
            } catch (InvalidSessionTimeoutException e) {
                brokersSessionTimeout = true;
                LOG.warn(
                        "the brokers refuse a {} s session timeout ({}); the workers use the consumer's default, so a"
                                + " killed worker's partitions wait longer for another",
                        SESSION_TIMEOUT.toSeconds(),
                        e.getMessage());
            } catch (Throwable e) { // an Error must not end the worker silently while intake keeps queueing
                LOG.error("the intake worker failed; reconnecting in {} s", pause.toSeconds(), e);
            }
            if (running) {
                pause = polled ? Duration.ofSeconds(1) : min(pause.multipliedBy(2), MAX_PAUSE);
                sleep(pause);
            }
        }
    }

    /** Consumes until stopped; {@link #polled} says whether a poll succeeded before the consumer failed. */
    private void work() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.client(
                clientId,
                brokersSessionTimeout ? withoutSessionTimeout(failover()) : failover(),
                Map.of(
                        "group.id", settings.group(),
                        "enable.auto.commit", false,
                        "key.deserializer", ByteArrayDeserializer.class.getName(),
                        "value.deserializer", ByteArrayDeserializer.class.getName())));
        this.consumer = consumer;
        try {
            if (!running) {
                return;
            }
            retries.clear();
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    retries.keySet().removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
            });
            while (running) {
                resumeDue(consumer);
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                polled = true;
                for (TopicPartition partition : records.partitions()) {
                    deliver(consumer, partition, records.records(partition));
                }
            }
        } finally {
            this.consumer = null;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * The consumer's defaults, chosen to bound failover: a worker killed without leaving the group holds its
     * partitions until the session times out (45 s by default, which paused storing for 20-60 s while intake went on
     * answering 202). Six seconds is the least brokers allow by default ({@code group.min.session.timeout.ms});
     * heartbeats every second notice it well within. The cooperative assignor moves only the dead worker's
     * partitions: the others keep storing through the rebalance. No static membership: it would keep a dead member's
     * partitions for the whole session timeout on purpose. The classic group protocol: the newer one takes its
     * session timeout from the broker (45 s) and cannot be shortened from here.
     */
    static Map<String, Object> failover() {
        return Map.of(
                "max.poll.records",
                20,
                "auto.offset.reset",
                "earliest",
                "group.protocol",
                "classic",
                "session.timeout.ms",
                (int) SESSION_TIMEOUT.toMillis(),
                "heartbeat.interval.ms",
                1000,
                "partition.assignment.strategy",
                CooperativeStickyAssignor.class.getName());
    }

    private static Map<String, Object> withoutSessionTimeout(Map<String, Object> settings) {
        Map<String, Object> copy = new HashMap<>(settings);
        copy.remove("session.timeout.ms");
        copy.remove("heartbeat.interval.ms");
        return copy;
    }

    private void resumeDue(KafkaConsumer<byte[], byte[]> consumer) {
        long now = System.nanoTime();
        List<TopicPartition> due = new ArrayList<>();
        for (TopicPartition partition : consumer.paused()) {
            Retry retry = retries.get(partition);
            if (retry == null || now - retry.resumeAtNanos() >= 0) {
                due.add(partition);
            }
        }
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    /** Stores a partition's records in order and commits past those done; a retry rewinds and pauses it. */
    private void deliver(
            KafkaConsumer<byte[], byte[]> consumer,
            TopicPartition partition,
            List<ConsumerRecord<byte[], byte[]>> records) {
        long next = -1;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (!running) {
                break;
            }
            Outcome outcome = deliver(partition, record);
            if (outcome == Outcome.RETRY) {
                consumer.seek(partition, record.offset());
                consumer.pause(Set.of(partition));
                break;
            }
            next = record.offset() + 1;
        }
        if (next >= 0) {
            try {
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
            } catch (RebalanceInProgressException | org.apache.kafka.clients.consumer.CommitFailedException e) {
                // the partition moved on; its new owner replays from the last commit and the store skips repeats
                LOG.info("commit of {} skipped during a rebalance; its records are replayed harmlessly", partition);
            }
        }
    }

    private Outcome deliver(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        String org = header(record, KafkaIntakeQueue.ORG);
        String encoding = header(record, KafkaIntakeQueue.ENCODING);
        if (org.isEmpty() || !Set.of("gzip", "identity").contains(encoding) || record.value() == null) {
            return setAside(record, "it lacks the organization or encoding headers the intake writes");
        }
        // no key header: queued by a server older than the bindings (ADR 0015)
        String key = header(record, KafkaIntakeQueue.KEY);
        BatchSink.Delivery delivery;
        try {
            delivery = sink.store(org, key.isEmpty() ? null : key, record.value(), encoding.equals("gzip"));
        } catch (RuntimeException e) { // the sink answers every failure; a throw is a bug meeting this record
            delivery = new BatchSink.Failed(null, e);
        }
        return switch (delivery) {
            case BatchSink.Stored stored -> {
                retries.remove(partition);
                yield Outcome.STORED;
            }
            case BatchSink.NotABatch notABatch -> setAside(record, "not a batch: " + notABatch.reason());
            case BatchSink.Failed failed -> retry(partition, record, failed);
        };
    }

    private Outcome retry(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, BatchSink.Failed failed) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        Retry last = retries.get(partition);
        int attempts = last != null && last.offset() == record.offset() ? last.attempts() + 1 : 1;
        if (isDataError(failed) && attempts >= DATA_ERROR_ATTEMPTS) {
            retries.remove(partition);
            return setAside(
                    record, "the store refused it " + attempts + " times: " + KafkaIntakeQueue.reasons(failed.cause()));
        }
        Duration pause = min(FIRST_PAUSE.multipliedBy(1L << Math.min(attempts - 1, 10)), MAX_PAUSE);
        retries.put(partition, new Retry(record.offset(), attempts, System.nanoTime() + pause.toNanos()));
        LOG.warn(
                "storing batch {} ({}) failed, attempt {}; its partition waits {} ms: {}",
                header(record, KafkaIntakeQueue.BATCH),
                where,
                attempts,
                pause.toMillis(),
                KafkaIntakeQueue.reasons(failed.cause()));
        return Outcome.RETRY;
    }

    /** Moves a record to the dead-letter topic with the reason; RETRY when even that fails. */
    private Outcome setAside(ConsumerRecord<byte[], byte[]> record, String reason) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        headers.add(new RecordHeader(ERROR, (where + ": " + reason).getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(new ProducerRecord<>(
                            IntakeTopics.deadLetters(record.topic()), null, record.key(), record.value(), headers))
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("cannot set record {} aside ({}); it is tried again", where, KafkaIntakeQueue.reasons(e));
            retries.put(
                    new TopicPartition(record.topic(), record.partition()),
                    new Retry(record.offset(), 0, System.nanoTime() + MAX_PAUSE.toNanos()));
            return Outcome.RETRY;
        }
        deadLettered.incrementAndGet();
        LOG.error("record {} moved to {}: {}", where, IntakeTopics.deadLetters(record.topic()), reason);
        return Outcome.SET_ASIDE;
    }

    /**
     * A failure that retrying the same record cannot mend: the store's constraints or data checks refused it (its
     * {@link vigil.spi.store.StoreError#refusesTheData}), or the failure did not come from the store at all (a key's
     * binding refused, a bug meeting this record). A store that is away, locked or full is not: it will be back; nor
     * is an error of Kafka's own.
     */
    static boolean isDataError(BatchSink.Failed failed) {
        for (Throwable t = failed.cause(); t != null; t = t.getCause()) {
            if (t instanceof KafkaException) {
                return false;
            }
        }
        vigil.spi.store.StoreError error = failed.error();
        return error == null || error.refusesTheData();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header last = record.headers().lastHeader(name);
        return last == null || last.value() == null ? "" : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Waits, but not past {@link #stop}. */
    private void sleep(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        try {
            while (running && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
