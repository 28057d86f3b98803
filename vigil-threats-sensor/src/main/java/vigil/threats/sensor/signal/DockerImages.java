package vigil.threats.sensor.signal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A container's image, asked of the Docker Engine over its Unix socket ({@code GET /containers/ID/json}, the image
 * as the container was created from it: {@code Config.Image}), as Datadog's agent and Falco enrich events. Asked only
 * when a signal is made, answered from a bounded cache after that; an answer bigger than 1 MiB, a slow daemon (the
 * socket's read is bounded by the answer's size, the connect by the socket being local) or no daemon at all gives no
 * image, never an error. Kubernetes containers of containerd and CRI-O: {@link BundleImages}.
 */
public final class DockerImages implements SignalMaker.Images {
    static final int MAX_ANSWER = 1 << 20;
    /** The most one question may take: it is asked on the sensor's thread, when a signal is made. */
    static final long TIMEOUT_NANOS = 500_000_000L;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path socket;
    /** A daemon's "no such container" or silence is remembered too: asking again would cost the timeout again. */
    private final ImageMemo memo = new ImageMemo(true);

    public DockerImages(Path socket) {
        this.socket = socket;
    }

    /** Docker's socket on this host ({@code /var/run/docker.sock}). */
    public static DockerImages local() {
        return new DockerImages(Path.of("/var/run/docker.sock"));
    }

    @Override
    public @Nullable String image(String containerId) {
        return memo.image(containerId, this::ask);
    }

    private @Nullable String ask(String containerId) {
        if (!Files.exists(socket)) {
            return null;
        }
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            String request = "GET /containers/" + containerId + "/json HTTP/1.0\r\nHost: docker\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16 << 10);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null; // a daemon that does not answer in time: no image, and the sensor goes on
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                if (out.hasRemaining()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    continue;
                }
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                answer.write(in.array(), 0, in.position());
                in.clear();
                if (answer.size() > MAX_ANSWER) {
                    return null;
                }
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            int body = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.")
                    || body < 0
                    || !text.substring(0, text.indexOf('\r')).contains(" 200")) {
                return null; // no such container (404), or not the Engine API
            }
            JsonNode image =
                    JSON.readTree(text.substring(body + 4)).path("Config").path("Image");
            return image.isString() && !image.asString().isEmpty() ? image.asString() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
