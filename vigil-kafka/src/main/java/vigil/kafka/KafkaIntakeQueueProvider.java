package vigil.kafka;

import java.io.IOException;
import java.net.URI;
import vigil.spi.intake.IntakeQueue;
import vigil.spi.intake.IntakeQueueProvider;

/** Serves {@code --queue kafka://HOST:PORT[,HOST:PORT...][?topic=...&partitions=...]}. */
public final class KafkaIntakeQueueProvider implements IntakeQueueProvider {
    @Override
    public String scheme() {
        return "kafka";
    }

    @Override
    public IntakeQueue open(URI url) throws IOException {
        return KafkaIntakeQueue.open(KafkaQueueSettings.parse(url));
    }
}
