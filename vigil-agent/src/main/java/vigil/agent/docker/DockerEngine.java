package vigil.agent.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker Engine API over its Unix socket: one {@code GET} per call with HTTP/1.0 (so the daemon closes the
 * connection when done and no chunked body needs decoding), bounded in time and size. The daemon is trusted as far
 * as the agent trusts its host, but an answer is still only parsed, never followed.
 */
public final class DockerEngine {
    /** Larger than any answer of the calls Vigil makes: a list of 2,000 containers, one inspect. */
    public static final int MAX_ANSWER = 32 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path socket;
    private final Duration timeout;
    private final int maxAnswer;

    public DockerEngine(Path socket, Duration timeout) {
        this(socket, timeout, MAX_ANSWER);
    }

    /** A client whose every call takes at most {@code timeout} and whose answers are refused beyond {@code maxAnswer}. */
    public DockerEngine(Path socket, Duration timeout, int maxAnswer) {
        this.socket = socket;
        this.timeout = timeout;
        this.maxAnswer = maxAnswer;
    }

    public Path socket() {
        return socket;
    }

    /** The JSON answer of {@code GET path}; an IOException names the call and why it failed. */
    public JsonNode get(String path) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] answer;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap(
                    ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 << 10);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("Docker (" + socket + ") did not answer GET " + path + " within "
                            + timeout.toSeconds() + " s");
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
                received.write(in.array(), 0, in.position());
                in.clear();
                if (received.size() > MAX_ANSWER) {
                    throw new IOException(
                            "Docker's answer to GET " + path + " is larger than " + MAX_ANSWER + " bytes");
                }
            }
            answer = received.toByteArray();
        }
        String head = new String(answer, 0, Math.min(answer.length, 8192), StandardCharsets.ISO_8859_1);
        int body = head.indexOf("\r\n\r\n");
        int lineEnd = head.indexOf('\r');
        if (!head.startsWith("HTTP/1.") || body < 0 || lineEnd < 0) {
            throw new IOException(socket + " does not speak the Docker Engine API (GET " + path + ")");
        }
        String status = head.substring(0, lineEnd);
        if (!status.contains(" 200")) {
            throw new IOException("Docker answered GET " + path + " with " + status.substring(status.indexOf(' ') + 1));
        }
        try {
            return JSON.readTree(new String(answer, body + 4, answer.length - body - 4, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IOException("Docker's answer to GET " + path + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
