package vigil.kafka;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the intake topic and its dead-letter topic ({@code <topic>.rejected}) and refuses an existing intake
 * topic too small for the batches the server accepts, which would otherwise refuse them one by one.
 */
final class IntakeTopics {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeTopics.class);

    private IntakeTopics() {}

    static String deadLetters(String topic) {
        return topic + ".rejected";
    }

    /** @throws TooSmall when the existing intake topic caps records below what the server accepts */
    static void ensure(Admin admin, KafkaQueueSettings settings) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        int brokers = admin.describeCluster().nodes().get().size();
        int replication = settings.replication() > 0 ? settings.replication() : Math.max(1, Math.min(3, brokers));
        // with three copies and two in sync, an acknowledged batch survives one broker's loss and intake goes on
        String minInSync = String.valueOf(replication >= 3 ? 2 : 1);
        if (existing.contains(settings.topic())) {
            checkRecordLimit(admin, settings.topic());
        } else {
            create(
                    admin,
                    new NewTopic(settings.topic(), settings.partitions(), (short) replication)
                            .configs(Map.of(
                                    "max.message.bytes", String.valueOf(KafkaQueueSettings.MAX_MESSAGE_BYTES),
                                    "min.insync.replicas", minInSync,
                                    "retention.ms", String.valueOf(TimeUnit.DAYS.toMillis(7)))));
        }
        String deadLetters = deadLetters(settings.topic());
        if (!existing.contains(deadLetters)) {
            create(
                    admin,
                    new NewTopic(deadLetters, 1, (short) replication)
                            .configs(Map.of(
                                    "max.message.bytes", String.valueOf(KafkaQueueSettings.MAX_MESSAGE_BYTES),
                                    "min.insync.replicas", minInSync,
                                    "retention.ms", String.valueOf(TimeUnit.DAYS.toMillis(30)))));
        }
    }

    private static void checkRecordLimit(Admin admin, String topic) throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        ConfigEntry limit = config == null ? null : config.get("max.message.bytes");
        if (limit != null
                && limit.value() != null
                && Long.parseLong(limit.value()) < KafkaQueueSettings.MAX_MESSAGE_BYTES) {
            throw new TooSmall("the intake topic " + topic + " accepts records up to " + limit.value()
                    + " bytes, but agents' batches may be up to " + KafkaQueueSettings.MAX_MESSAGE_BYTES
                    + "; raise it (kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                    + " --add-config max.message.bytes=" + KafkaQueueSettings.MAX_MESSAGE_BYTES
                    + ") or name a new topic with ?topic=NAME");
        }
    }

    private static void create(Admin admin, NewTopic topic) throws ExecutionException, InterruptedException {
        try {
            admin.createTopics(List.of(topic)).all().get();
            LOG.info(
                    "created topic {} ({} partitions, replication {})",
                    topic.name(),
                    topic.numPartitions(),
                    topic.replicationFactor());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // another server instance made it a moment ago
        }
    }

    /** An existing intake topic that would refuse large batches. */
    static final class TooSmall extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooSmall(String message) {
            super(message);
        }
    }
}
