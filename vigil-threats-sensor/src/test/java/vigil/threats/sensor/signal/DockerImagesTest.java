package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image lookup against a local server that speaks the Docker Engine API's wire format on a Unix socket (no Docker
 * daemon runs on the CI machine): the image of a known container, none for an unknown one or a bad answer, one request
 * per container.
 */
class DockerImagesTest {
    private static final String ID = "3f9a0c2b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c";
    private static final String OTHER = "0000000000000000000000000000000000000000000000000000000000000001";

    @Test
    void theImageOfAContainerFromTheEngineApi(@TempDir Path temp) throws Exception {
        Path socket = temp.resolve("docker.sock");
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofPlatform().daemon().start(() -> {
                while (true) {
                    try (SocketChannel client = server.accept()) {
                        ByteBuffer in = ByteBuffer.allocate(4096);
                        client.read(in);
                        String request = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
                        requests.add(request.substring(0, request.indexOf('\r')));
                        String answer = request.contains(ID)
                                ? "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + "{\"Id\":\"" + ID
                                        + "\",\"Config\":{\"Image\":\"nginx:1.27\"},\"Image\":\"sha256:abc\"}"
                                : "HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n"
                                        + "{\"message\":\"No such container\"}";
                        client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            DockerImages images = new DockerImages(socket);
            assertThat(images.image(ID)).isEqualTo("nginx:1.27");
            assertThat(images.image(ID)).as("cached").isEqualTo("nginx:1.27");
            assertThat(images.image(OTHER)).isNull();
            assertThat(images.image(OTHER)).isNull();
            assertThat(images.image("../../etc/passwd"))
                    .as("not an id: not asked")
                    .isNull();
            assertThat(requests)
                    .containsExactly(
                            "GET /containers/" + ID + "/json HTTP/1.0", "GET /containers/" + OTHER + "/json HTTP/1.0");
        }
    }

    @Test
    void aDaemonThatNeverAnswersCostsHalfASecondOnce(@TempDir Path temp) throws Exception {
        Path socket = temp.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            DockerImages images = new DockerImages(socket);
            assertThat(images.image(ID)).isNull(); // accepted by the kernel's backlog, never read nor answered
            assertThat(images.image(ID)).as("the silence is cached").isNull();
        }
    }

    @Test
    void noDaemonMeansNoImage(@TempDir Path temp) {
        assertThat(new DockerImages(temp.resolve("docker.sock")).image(ID)).isNull();
    }
}
