package vigil.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.jspecify.annotations.Nullable;
import vigil.spi.intake.QueueBacklog;

/**
 * The consumer group's lag on the intake topic (end offset minus committed offset per partition), read with the
 * admin API at most every {@link #READ_EVERY}, and how long each partition with a lag has made no progress: the age
 * of its oldest unstored batch is at least that, and it grows only when no worker stores that partition's batches.
 */
final class Backlogs implements AutoCloseable {
    static final Duration READ_EVERY = Duration.ofSeconds(2);
    private static final long TIMEOUT_MS = 3_000;

    private final KafkaQueueSettings settings;
    private final String instance;
    private @Nullable Admin admin;
    private @Nullable QueueBacklog last;
    private long readAt;
    /** Per partition: the committed offset last seen and since when (nanoTime) it has not moved. */
    private final Map<Integer, long[]> progress = new HashMap<>();

    Backlogs(KafkaQueueSettings settings, String instance) {
        this.settings = settings;
        this.instance = instance;
    }

    synchronized QueueBacklog read() {
        long now = System.nanoTime();
        QueueBacklog cached = last;
        if (cached != null && now - readAt < READ_EVERY.toNanos()) {
            return cached;
        }
        QueueBacklog backlog;
        try {
            backlog = measure(now);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            backlog = new QueueBacklog(
                    0,
                    List.of(),
                    0,
                    "the brokers do not tell the backlog (" + KafkaIntakeQueue.reasons(e) + "); check that Kafka runs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            backlog = new QueueBacklog(0, List.of(), 0, "interrupted");
        }
        last = backlog;
        readAt = System.nanoTime();
        return backlog;
    }

    private QueueBacklog measure(long now) throws ExecutionException, InterruptedException, TimeoutException {
        Admin client = admin();
        String topic = settings.topic();
        TopicDescription description = client.describeTopics(List.of(topic))
                .allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(topic);
        if (description == null) {
            return new QueueBacklog(0, List.of(), 0, "the intake topic " + topic + " is missing");
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartitionInfo partition : description.partitions()) {
            latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                client.listOffsets(latest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = client.listConsumerGroupOffsets(settings.group())
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<QueueBacklog.Partition> partitions = new ArrayList<>();
        long waiting = 0;
        long stalledSeconds = 0;
        for (TopicPartition partition : latest.keySet().stream()
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
                .toList()) {
            ListOffsetsResult.ListOffsetsResultInfo endInfo = ends.get(partition);
            long end = endInfo == null ? 0 : endInfo.offset();
            OffsetAndMetadata done = committed.get(partition);
            // a partition never committed has all its records waiting (the workers start from the earliest)
            long position = done == null ? earliest(client, partition) : done.offset();
            long lag = Math.max(0, end - position);
            long[] seen = progress.get(partition.partition());
            if (seen == null || seen[0] != position || lag == 0) {
                seen = new long[] {position, now};
                progress.put(partition.partition(), seen);
            }
            long stalled = lag == 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(now - seen[1]);
            partitions.add(new QueueBacklog.Partition(partition.partition(), lag, stalled));
            waiting += lag;
            stalledSeconds = Math.max(stalledSeconds, stalled);
        }
        return new QueueBacklog(waiting, partitions, stalledSeconds, null);
    }

    private static long earliest(Admin client, TopicPartition partition)
            throws ExecutionException, InterruptedException, TimeoutException {
        ListOffsetsResult.ListOffsetsResultInfo info = client.listOffsets(Map.of(partition, OffsetSpec.earliest()))
                .all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(partition);
        return info == null ? 0 : info.offset();
    }

    private Admin admin() {
        Admin client = admin;
        if (client == null) {
            client = Admin.create(settings.client(
                    "vigil-backlog-" + instance,
                    Map.of("request.timeout.ms", (int) TIMEOUT_MS, "default.api.timeout.ms", (int) TIMEOUT_MS),
                    Map.of()));
            admin = client;
        }
        return client;
    }

    @Override
    public synchronized void close() {
        Admin client = admin;
        admin = null;
        if (client != null) {
            client.close(Duration.ofSeconds(5));
        }
    }
}
