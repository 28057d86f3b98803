package vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaQueueSettingsTest {
    @Test
    void defaultsAndParameters() throws Exception {
        KafkaQueueSettings plain = KafkaQueueSettings.parse(URI.create("kafka://k1:9092,k2:9093"));
        assertThat(plain.bootstrapServers()).isEqualTo("k1:9092,k2:9093");
        assertThat(plain.topic()).isEqualTo("vigil.intake");
        assertThat(plain.partitions()).isEqualTo(12);
        assertThat(plain.replication()).isZero();
        assertThat(plain.group()).isEqualTo("vigil-workers");

        KafkaQueueSettings tuned = KafkaQueueSettings.parse(
                URI.create("kafka://[::1]:9092?topic=t.1&partitions=3&replication=2&group=g&security.protocol=SSL"));
        assertThat(tuned.topic()).isEqualTo("t.1");
        assertThat(tuned.partitions()).isEqualTo(3);
        assertThat(tuned.replication()).isEqualTo(2);
        assertThat(tuned.group()).isEqualTo("g");
        assertThat(tuned.clientProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void requiredClientSettingsWinOverTheUsersAndSecretsStayOutOfDescriptions(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("client.properties");
        Files.writeString(
                file,
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"u\" password=\"hunter2\";\nacks=0\n");
        KafkaQueueSettings settings = KafkaQueueSettings.parse(URI.create("kafka://k:9092?config=" + file));
        Map<String, Object> producer = settings.client("p", Map.of("linger.ms", 2), Map.of("acks", "all"));
        assertThat(producer)
                .containsEntry("acks", "all")
                .containsEntry("linger.ms", 2)
                .containsEntry("bootstrap.servers", "k:9092")
                .containsKey("sasl.jaas.config");
        assertThat(settings.describe()).doesNotContain("hunter2").contains("k:9092");
        assertThat(settings.toString()).doesNotContain("hunter2");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://user:secret@k:9092")))
                .hasMessageContaining("carries credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?ssl.keystore.password=hunter2")))
                .hasMessageContaining("'ssl.keystore.password' holds a secret")
                .hasMessageContaining("?config=FILE")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?sasl.jaas.config=x")))
                .hasMessageContaining("'sasl.jaas.config' holds a secret");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k")))
                .hasMessageContaining("'k' in the Kafka queue URL is not HOST:PORT");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092/topic")))
                .hasMessageContaining("name the topic with ?topic=NAME");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?partitions=0")))
                .hasMessageContaining("partitions must be a number from 1 to 10000, not '0'");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?topic=a/b")))
                .hasMessageContaining("is not a Kafka topic name");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?partition=3")))
                .hasMessageContaining("unknown Kafka queue parameter 'partition'");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?topic=a&topic=b")))
                .hasMessageContaining("gives 'topic' twice");
        assertThatThrownBy(() -> KafkaQueueSettings.parse(URI.create("kafka://k:9092?config=/nonexistent/x")))
                .hasMessageContaining("cannot read the Kafka client properties file /nonexistent/x");
    }
}
