package vigil.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import vigil.model.batch.Source;
import vigil.spi.intake.BatchSink;
import vigil.spi.intake.IntakeException;
import vigil.spi.intake.IntakeQueue;
import vigil.spi.intake.QueueBacklog;

/**
 * Batches through a Kafka topic. A record is the request body as the agent sent it (gzip JSON, checked by the
 * intake before it is written), keyed {@code org/source} ({@link #key}) so the default partitioner keeps each source's
 * batches in order on one partition; headers carry the organization and the id of the API key that sent it, and the encoding. The producer is
 * idempotent with {@code acks=all}, so an answered batch is on every in-sync replica. The workers
 * ({@link IntakeWorker}) store each batch exactly once through the server's idempotent {@link BatchSink}. Only Vigil servers
 * may write to the topic (Kafka ACLs): a record's organization header is trusted.
 */
public final class KafkaIntakeQueue implements IntakeQueue {
    static final String ORG = "vigil-org";
    static final String KEY = "vigil-key";
    static final String ENCODING = "vigil-encoding";
    static final String BATCH = "vigil-batch";

    private final KafkaQueueSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration submitTimeout;
    private final String instance;
    private @Nullable IntakeWorker worker;
    private @Nullable Thread thread;
    private final Backlogs backlogs;

    private KafkaIntakeQueue(KafkaQueueSettings settings, KafkaProducer<byte[], byte[]> producer, String instance) {
        this.settings = settings;
        this.producer = producer;
        this.instance = instance;
        // the producer gives up after delivery.timeout.ms; waiting a little longer lets its own error through
        String timeout = settings.clientProperties().getOrDefault("delivery.timeout.ms", "30000");
        this.submitTimeout = Duration.ofMillis(Long.parseLong(timeout)).plusSeconds(15);
        this.backlogs = new Backlogs(settings, instance);
    }

    /** Prepares the topics and connects the producer; every problem is an IOException saying what to fix. */
    static KafkaIntakeQueue open(KafkaQueueSettings settings) throws IOException {
        // one id per instance, so brokers' quotas, logs and metrics tell instances apart
        String instance =
                hostname() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        try (Admin admin = Admin.create(settings.client(
                "vigil-admin-" + instance,
                Map.of("request.timeout.ms", 10_000, "default.api.timeout.ms", 20_000),
                Map.of()))) {
            IntakeTopics.ensure(admin, settings);
        } catch (IntakeTopics.TooSmall e) {
            throw new IOException(e.getMessage());
        } catch (ExecutionException | KafkaException e) {
            throw new IOException("cannot prepare the intake topic on " + settings.describe() + ": " + reasons(e)
                    + "; check the --queue URL and that the brokers are up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing the intake topic on " + settings.describe(), e);
        }
        try {
            return new KafkaIntakeQueue(settings, new KafkaProducer<>(producerSettings(settings, instance)), instance);
        } catch (KafkaException | NumberFormatException e) {
            throw new IOException("cannot make a Kafka producer for " + settings.describe() + ": " + reasons(e)
                    + "; check the client properties in the --queue URL or its config file");
        }
    }

    private static Map<String, Object> producerSettings(KafkaQueueSettings settings, String instance) {
        return settings.client(
                "vigil-intake-" + instance,
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
                        // the producer refuses any record larger than its whole buffer
                        "buffer.memory",
                        2L * KafkaQueueSettings.MAX_MESSAGE_BYTES,
                        "key.serializer",
                        ByteArraySerializer.class.getName(),
                        "value.serializer",
                        ByteArraySerializer.class.getName()));
    }

    @Override
    public void submit(String orgId, String keyId, String batchId, Source source, byte[] body, boolean gzip)
            throws IntakeException {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                settings.topic(),
                null,
                key(orgId, source),
                body,
                List.<Header>of(
                        new RecordHeader(ORG, bytes(orgId)),
                        new RecordHeader(KEY, bytes(keyId)),
                        new RecordHeader(ENCODING, bytes(gzip ? "gzip" : "identity")),
                        new RecordHeader(BATCH, bytes(batchId))));
        try {
            producer.send(record).get(submitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable(reasons(e.getCause() == null ? e : e.getCause()));
        } catch (KafkaException e) {
            throw unavailable(reasons(e));
        } catch (TimeoutException e) {
            throw unavailable("no answer from the brokers in " + submitTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the server is stopping");
        }
    }

    /**
     * 503, also when Kafka refuses the size (the topic was changed after start): a 4xx would make the agent drop a
     * batch the server is able to take once the topic is fixed.
     */
    private static IntakeException unavailable(String why) {
        return new IntakeException(
                503, "the intake queue cannot take the batch now (" + why + "); the agent keeps it and retries later");
    }

    /** The messages of an exception and its causes, without the wrappers' repetitions. */
    static String reasons(Throwable e) {
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

    /**
     * {@code org/source}: an agent's batches keep the key they had before sources existed ({@code org/AGENT-ID}), so a
     * topic holding records of both versions keeps each agent on one partition, in order; other sources are
     * {@code org/KIND:ID} (an agent id of that form would only share their partition, which orders but never merges).
     */
    static byte[] key(String orgId, Source source) {
        String id =
                source.kind() == Source.Kind.AGENT ? source.id() : source.kind().wire() + ":" + source.id();
        return bytes(orgId + "/" + id);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "vigil";
        }
    }

    @Override
    public synchronized void startWorkers(BatchSink sink) {
        if (worker != null) {
            throw new IllegalStateException("the workers run already");
        }
        IntakeWorker started = new IntakeWorker(settings, producer, sink, "vigil-worker-" + instance);
        worker = started;
        thread = Thread.ofPlatform().name("vigil-kafka-worker").daemon().start(started);
    }

    /** Records this instance's worker moved to the dead-letter topic. */
    public synchronized long deadLettered() {
        return worker == null ? 0 : worker.deadLettered();
    }

    @Override
    public QueueBacklog backlog() {
        return backlogs.read();
    }

    @Override
    public String describe() {
        return settings.describe() + " (set-aside records go to " + IntakeTopics.deadLetters(settings.topic()) + ")";
    }

    @Override
    public void close() {
        IntakeWorker current;
        Thread running;
        synchronized (this) {
            current = worker;
            running = thread;
        }
        if (current != null && running != null) {
            current.stop();
            try {
                running.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(10));
        backlogs.close();
    }
}
