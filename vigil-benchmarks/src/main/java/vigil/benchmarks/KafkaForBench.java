package vigil.benchmarks;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Runs a single-node Apache Kafka (KRaft, combined broker and controller) until killed and prints the queue URL
 * for {@code vigil server --queue}: the benchmarks' Kafka on a machine without one.
 */
public final class KafkaForBench {
    private KafkaForBench() {}

    public static void main(String[] args) throws Exception {
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            System.out.println("kafka://" + kafka.bootstrapServers());
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
