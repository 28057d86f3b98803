package vigil.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vigil.server.net.AddressRules;
import vigil.server.net.Cidr;
import vigil.server.net.Resolver;

/** The client against hostile receivers on a real socket: however it is slowed down, one post ends by its deadline. */
class WebhookClientIT {
    private final WebhookClient client = new WebhookClient(
            new AddressRules(List.of(Cidr.parse("127.0.0.0/8"))),
            Resolver.system(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2));

    @Test
    void aReceiverTricklingTheTlsHandshakeIsCutOffAtTheDeadline() throws Exception {
        // a TLS record header announcing a 16 KiB handshake message, then a byte every 200 ms: every read succeeds
        // within the socket timeout, so only a deadline over the whole post ends it (else about 55 minutes)
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> trickle(listener, new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}));
            URI target = URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/hook");
            long start = System.nanoTime();
            WebhookClient.Outcome outcome = assertTimeoutPreemptively(
                    Duration.ofSeconds(40), () -> client.post(target, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("the trickled handshake ended after " + millis + " ms (deadline 2 s + 2 s)");
            assertThat(outcome).isInstanceOf(WebhookClient.Outcome.Failed.class);
            assertThat(((WebhookClient.Outcome.Failed) outcome).reason()).contains("too slow");
        }
    }

    @Test
    void aReceiverTricklingItsAnswerIsCutOffAtTheDeadline() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform()
                    .daemon()
                    .start(() -> trickle(listener, "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII)));
            URI target = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/hook");
            WebhookClient.Outcome outcome = assertTimeoutPreemptively(
                    Duration.ofSeconds(40), () -> client.post(target, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
            assertThat(outcome).isInstanceOf(WebhookClient.Outcome.Failed.class);
            assertThat(((WebhookClient.Outcome.Failed) outcome).reason()).contains("too slow");
        }
    }

    /** Accepts one connection, sends the start, then one byte every 200 ms until the client goes away. */
    private static void trickle(ServerSocket listener, byte[] start) {
        try (Socket socket = listener.accept()) {
            OutputStream out = socket.getOutputStream();
            out.write(start);
            out.flush();
            for (int i = 0; i < 20_000; i++) {
                Thread.sleep(200);
                out.write('a');
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client closed the connection: what the test wants
        }
    }
}
