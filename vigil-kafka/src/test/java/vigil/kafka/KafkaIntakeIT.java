package vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.inventory.sbom.CycloneDx;
import vigil.model.InstalledPackage;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageType;
import vigil.model.Target;
import vigil.server.VigilServer;

/**
 * The server with {@code --queue kafka://...} against a real in-process KRaft broker: batches are answered once the
 * broker holds them, stored exactly once by the workers in each agent's order, replays after a crash change nothing,
 * foreign records are skipped, and a broker outage is a 503 the agent retries.
 */
class KafkaIntakeIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = oneNodeCluster();
    }

    /** One combined broker and controller; internal topics with one copy, as one node can hold. */
    static KafkaClusterTestKit oneNodeCluster() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return kit;
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String queue(String topic) {
        return "kafka://" + cluster.bootstrapServers() + "?topic=" + topic + "&partitions=4&group=" + topic
                + "-workers";
    }

    @Test
    void batchesOfManyAgentsAreStoredExactlyOnceInEachAgentsOrder(@TempDir Path temp) throws Exception {
        String topic = "intake-order";
        int agents = 8;
        int steps = 12;
        List<String> sent = new ArrayList<>();
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(temp, null, "127.0.0.1", 0).withQueue(queue(topic)), Clock.systemUTC())) {
            String key = server.bootstrap().intakeKey();
            try (ExecutorService pool = Executors.newFixedThreadPool(agents)) {
                List<Future<List<String>>> perAgent = new ArrayList<>();
                for (int a = 0; a < agents; a++) {
                    String agent = "agent-" + a + "-" + UUID.randomUUID();
                    perAgent.add(pool.submit(() -> {
                        List<String> ids = new ArrayList<>();
                        for (int step = 1; step <= steps; step++) {
                            String batchId = UUID.randomUUID().toString();
                            HttpResponse<String> answer = send(server, key, batch(batchId, agent, step));
                            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                            assertThat(JSON.readTree(answer.body())
                                            .path("status")
                                            .asString())
                                    .isEqualTo("queued");
                            ids.add(batchId);
                        }
                        return ids;
                    }));
                }
                for (Future<List<String>> ids : perAgent) {
                    sent.addAll(ids.get());
                }
            }
            awaitDrained(topic + "-workers", topic);
            // another intake key naming one of these agents is refused before anything is queued (ADR 0015)
            String org = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM organizations")
                            .mapTo(String.class)
                            .one());
            String thief = new vigil.server.auth.Accounts(server.database().jdbi(), Clock.systemUTC())
                    .createApiKey(org, "thief", vigil.server.auth.ApiKeyScope.INTAKE)
                    .token();
            String victim = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM agents ORDER BY id")
                            .mapTo(String.class)
                            .first());
            HttpResponse<String> stolen =
                    send(server, thief, batch(UUID.randomUUID().toString(), victim, 1));
            assertThat(stolen.statusCode()).as(stolen.body()).isEqualTo(403);
            assertThat(stolen.body()).contains("is bound to another intake API key");
            // batches sent again (by an agent that lost the answers): queued again, stored never
            for (String again : sent.subList(0, 5)) {
                ObjectNode replay = batch(again, "agent-replayed-" + again.substring(0, 8), 1);
                assertThat(send(server, key, replay).statusCode()).isEqualTo(202);
            }
            awaitDrained(topic + "-workers", topic);

            assertThat(count(server, "SELECT COUNT(*) FROM batches")).isEqualTo((long) agents * steps);
            assertThat(count(server, "SELECT COUNT(DISTINCT batch_id) FROM batches"))
                    .isEqualTo((long) agents * steps);
            // the replays changed nothing: their "agents" were never created
            assertThat(count(server, "SELECT COUNT(*) FROM agents")).isEqualTo((long) agents);
            // each agent's last batch was stored last: its inventory has the last step's packages
            List<String> lastVersions = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT a.version FROM agents a JOIN inventories i ON i.agent_id"
                                    + " = a.id WHERE i.packages = :steps")
                            .bind("steps", steps)
                            .mapTo(String.class)
                            .list());
            assertThat(lastVersions).hasSize(agents).allMatch(version -> version.equals("1.0." + steps));
        }
        assertPartitionedByAgent(topic, agents * steps + 5);
    }

    /**
     * Two stateless instances on one PostgreSQL, one consumer group: agents send to either, both workers share the
     * partitions, and when one instance stops the other takes its partitions and stores the rest, each batch once.
     */
    @Test
    void twoInstancesShareTheTopicAndOneTakesOverWhenTheOtherStops(@TempDir Path temp) throws Exception {
        String topic = "intake-shared";
        String group = topic + "-workers";
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String database = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
            VigilServer a = VigilServer.start(
                    new VigilServer.Options(temp.resolve("a"), database, "127.0.0.1", 0).withQueue(queue(topic)),
                    Clock.systemUTC());
            try (VigilServer b = VigilServer.start(
                    new VigilServer.Options(temp.resolve("b"), database, "127.0.0.1", 0).withQueue(queue(topic)),
                    Clock.systemUTC())) {
                String key = a.bootstrap().intakeKey();
                String org = a.database()
                        .jdbi()
                        .withHandle(h -> h.createQuery("SELECT id FROM organizations")
                                .mapTo(String.class)
                                .one());
                List<Set<Integer>> owned = new ArrayList<>();
                try (Admin admin = cluster.admin()) {
                    Instant deadline = Instant.now().plusSeconds(60);
                    while (owned.size() != 2 || owned.stream().anyMatch(Set::isEmpty)) {
                        assertThat(Instant.now())
                                .as("both workers joined with partitions: %s", owned)
                                .isBefore(deadline);
                        Thread.sleep(100);
                        owned.clear();
                        admin.describeConsumerGroups(List.of(group))
                                .all()
                                .get()
                                .get(group)
                                .members()
                                .forEach(m -> owned.add(m.assignment().topicPartitions().stream()
                                        .map(TopicPartition::partition)
                                        .collect(Collectors.toSet())));
                    }
                }
                // three agents whose batches the one worker stores, three for the other
                List<String> agentIds = new ArrayList<>();
                for (int member = 0; member < 2; member++) {
                    int found = 0;
                    for (int i = 0; found < 3; i++) {
                        String candidate = "agent-shared-" + member + "-" + i;
                        if (owned.get(member).contains(partitionOf(org, candidate, 4))) {
                            agentIds.add(candidate);
                            found++;
                        }
                    }
                }
                int agents = agentIds.size();
                for (int step = 1; step <= 5; step++) {
                    for (int agent = 0; agent < agents; agent++) {
                        VigilServer target = step <= 3 && (agent + step) % 2 == 0 ? a : b;
                        String batchId = "shared-" + agent + "-" + step;
                        assertThat(send(target, key, batch(batchId, agentIds.get(agent), step))
                                        .statusCode())
                                .isEqualTo(202);
                    }
                    if (step == 3) {
                        a.close(); // with its batches in flight: its partitions move to b's worker
                    }
                }
                awaitDrained(group, topic);
                assertThat(count(b, "SELECT COUNT(*) FROM batches")).isEqualTo(agents * 5L);
                assertThat(count(b, "SELECT COUNT(*) FROM inventories WHERE packages = 5"))
                        .isEqualTo((long) agents);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void aReplayAfterACrashBetweenStoreAndCommitStoresNothingTwice(@TempDir Path temp) throws Exception {
        String topic = "intake-replay";
        String group = topic + "-workers";
        VigilServer.Options options = new VigilServer.Options(temp, null, "127.0.0.1", 0).withQueue(queue(topic));
        long inventories;
        try (VigilServer server = VigilServer.start(options, Clock.systemUTC())) {
            String key = server.bootstrap().intakeKey();
            for (int step = 1; step <= 20; step++) {
                assertThat(send(server, key, batch(UUID.randomUUID().toString(), "agent-replay-1", step))
                                .statusCode())
                        .isEqualTo(202);
            }
            awaitDrained(group, topic);
            assertThat(count(server, "SELECT COUNT(*) FROM batches")).isEqualTo(20);
            inventories = count(server, "SELECT COUNT(*) FROM inventories");
        }
        // as if the worker died after storing but before committing: the group starts over from offset 0
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, OffsetAndMetadata> reset = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                reset.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(group, reset).all().get();
        }
        try (VigilServer server = VigilServer.start(options, Clock.systemUTC())) {
            awaitDrained(group, topic);
            assertThat(count(server, "SELECT COUNT(*) FROM batches")).isEqualTo(20);
            assertThat(count(server, "SELECT COUNT(*) FROM inventories")).isEqualTo(inventories);
            long packages = count(server, "SELECT packages FROM inventories WHERE agent_id = 'agent-replay-1'");
            assertThat(packages).isEqualTo(20);
        }
    }

    @Test
    void recordsTheIntakeDidNotWriteAreSkippedAndTheWorkerGoesOn(@TempDir Path temp) throws Exception {
        String topic = "intake-foreign";
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(temp, null, "127.0.0.1", 0).withQueue(queue(topic)), Clock.systemUTC())) {
            String key = server.bootstrap().intakeKey();
            String org = server.database()
                    .jdbi()
                    .withHandle(h -> h.createQuery("SELECT id FROM organizations")
                            .mapTo(String.class)
                            .one());
            byte[] agentKey = KafkaIntakeQueue.key(org, vigil.model.batch.Source.agent("agent-foreign-1"));
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                // no headers at all
                producer.send(new ProducerRecord<>(topic, agentKey, "{}".getBytes(StandardCharsets.UTF_8)))
                        .get();
                // headers, but a body that is not a batch
                producer.send(new ProducerRecord<>(
                                topic,
                                null,
                                agentKey,
                                "not gzip".getBytes(StandardCharsets.UTF_8),
                                List.of(
                                        new RecordHeader(KafkaIntakeQueue.ORG, org.getBytes(StandardCharsets.UTF_8)),
                                        new RecordHeader(
                                                KafkaIntakeQueue.ENCODING, "gzip".getBytes(StandardCharsets.UTF_8)))))
                        .get();
            }
            assertThat(send(server, key, batch("after-the-foreign-ones", "agent-foreign-1", 3))
                            .statusCode())
                    .isEqualTo(202);
            awaitDrained(topic + "-workers", topic);
            assertThat(count(server, "SELECT COUNT(*) FROM batches WHERE batch_id = 'after-the-foreign-ones'"))
                    .isEqualTo(1);
            assertThat(count(server, "SELECT COUNT(*) FROM batches")).isEqualTo(1);
        }
    }

    @Test
    void anExistingTopicTooSmallForTheBatchesTheServerAcceptsIsRefusedAtStart(@TempDir Path temp) throws Exception {
        String topic = "intake-small";
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "20000"))))
                    .all()
                    .get();
        }
        assertThatThrownBy(() -> VigilServer.start(
                        new VigilServer.Options(temp, null, "127.0.0.1", 0).withQueue(queue(topic)), Clock.systemUTC()))
                .hasMessageContaining("the intake topic intake-small accepts records up to 20000 bytes")
                .hasMessageContaining("--add-config max.message.bytes=" + KafkaQueueSettings.MAX_MESSAGE_BYTES);
    }

    @Test
    void aBadQueueUrlOrAnUnreachableBrokerIsExplainedAtStart(@TempDir Path temp) {
        assertThatThrownBy(() -> VigilServer.start(
                        new VigilServer.Options(temp, null, "127.0.0.1", 0)
                                .withQueue("kafka://127.0.0.1:1?default.api.timeout.ms=1500&request.timeout.ms=1000"),
                        Clock.systemUTC()))
                .hasMessageContaining("cannot prepare the intake topic on Kafka 127.0.0.1:1")
                .hasMessageContaining("check the --queue URL");
        assertThatThrownBy(() -> VigilServer.start(
                        new VigilServer.Options(temp, null, "127.0.0.1", 0).withQueue("rabbit://127.0.0.1:5672"),
                        Clock.systemUTC()))
                .hasMessageContaining("no intake queue module serves 'rabbit://'")
                .hasMessageContaining("the class path has kafka");
    }

    @Test
    void whenTheBrokerIsDownIntakeAnswers503AndTheAgentKeepsTheBatch(@TempDir Path temp) throws Exception {
        // a cluster of its own, so that stopping it leaves the other tests theirs
        try (KafkaClusterTestKit own = oneNodeCluster()) {
            String url = "kafka://" + own.bootstrapServers()
                    + "?topic=intake-down&partitions=1&max.block.ms=1500&request.timeout.ms=1000"
                    + "&delivery.timeout.ms=2000";
            try (VigilServer server = VigilServer.start(
                    new VigilServer.Options(temp, null, "127.0.0.1", 0).withQueue(url), Clock.systemUTC())) {
                String key = server.bootstrap().intakeKey();
                assertThat(send(server, key, batch("before-the-outage", "agent-down-1", 1))
                                .statusCode())
                        .isEqualTo(202);
                own.brokers().values().forEach(broker -> broker.shutdown());
                HttpResponse<String> answer = send(server, key, batch("during-the-outage", "agent-down-1", 2));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.body()).contains("the intake queue cannot take the batch now", "retries");
            }
        }
    }

    private static HttpResponse<String> send(VigilServer server, String key, ObjectNode batch) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(JSON.writeValueAsBytes(batch));
        }
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/intake/v1/batches"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Step {@code n} of an agent: version 1.0.n and a Debian host with n packages. */
    private static ObjectNode batch(String batchId, String agentId, int step) {
        List<InstalledPackage> installed = new ArrayList<>();
        for (int i = 0; i < step; i++) {
            String name = "pkg" + i;
            installed.add(new InstalledPackage(
                    PackageType.DEB,
                    name,
                    null,
                    "1.0-1",
                    null,
                    "amd64",
                    name,
                    "1.0-1",
                    List.of(),
                    List.of(),
                    "pkg:deb/debian/" + name + "@1.0-1?arch=amd64&distro=debian-12"));
        }
        Inventory inventory = new Inventory(
                new Target(Target.Kind.HOST, "/", null),
                new OperatingSystem(OsFamily.DEBIAN, "12", "Debian GNU/Linux 12 (bookworm)"),
                OsSupport.supported("Debian 12 is supported"),
                installed,
                List.of(),
                Instant.now());
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        ObjectNode agent = batch.putObject("agent");
        agent.put("id", agentId);
        agent.put("hostname", agentId + ".example");
        agent.put("version", "1.0." + step);
        agent.put("deployment", "linux");
        agent.putObject("facts");
        agent.putArray("capabilities");
        batch.putArray("inventories").add(CycloneDx.tree(inventory, List.of(), "test", UUID.randomUUID()));
        return batch;
    }

    private static long count(VigilServer server, String sql) {
        return server.database()
                .jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** Waits until the group has committed the end of every partition of the topic. */
    private static void awaitDrained(String group, String topic) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        try (Admin admin = cluster.admin()) {
            while (true) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (var partition : admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()) {
                    latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
                }
                Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean drained = ends.entrySet().stream()
                        .allMatch(end -> end.getValue() == 0
                                || (committed.get(end.getKey()) != null
                                        && committed.get(end.getKey()).offset() >= end.getValue()));
                if (drained) {
                    return;
                }
                assertThat(Instant.now())
                        .as("group %s drains %s; committed %s of %s", group, topic, committed, ends)
                        .isBefore(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static int partitionOf(String org, String agent, int partitions) {
        return Utils.toPositive(Utils.murmur2(KafkaIntakeQueue.key(org, vigil.model.batch.Source.agent(agent))))
                % partitions;
    }

    /** Every record sits on the partition its org/agent key hashes to, and each agent's steps are in order. */
    private static void assertPartitionedByAgent(String topic, int expected) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", cluster.bootstrapServers());
        properties.put("key.deserializer", ByteArrayDeserializer.class.getName());
        properties.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plusSeconds(30);
            while (records.size() < expected && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(expected);
        Map<String, Integer> partitionOfAgent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(record.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(record.key())) % 4);
            String agent = new String(record.key(), StandardCharsets.UTF_8);
            Integer before = partitionOfAgent.putIfAbsent(agent, record.partition());
            assertThat(before == null || before == record.partition()).isTrue();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", cluster.bootstrapServers());
        properties.put("key.serializer", ByteArraySerializer.class.getName());
        properties.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(properties);
    }

    static {
        // quiet the broker's own log4j output down to warnings
        System.setProperty("log4j2.level", "WARN");
    }
}
