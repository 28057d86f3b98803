package vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vigil.server.net.Cidr;
import vigil.server.net.NetworkOptions;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/**
 * The web hardening over real HTTP: webhooks cannot reach inside the network (a loopback listener receives nothing),
 * an allowed range receives signed deliveries, DNS rebinding reaches only the checked address, security headers,
 * owner-only files, control characters, forwarded headers from trusted proxies only, and slow clients.
 */
class WebSecurityIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    private HttpServer receiver;
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of(
                    "path", exchange.getRequestURI().toString(),
                    "body", body,
                    "signature", String.valueOf(exchange.getRequestHeaders().getFirst("X-Vigil-Signature"))));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private int port() {
        return receiver.getAddress().getPort();
    }

    @Test
    void webhookTargetsInsideTheNetworkAreRefusedAndTheListenerReceivesNothing() throws Exception {
        Path data = advisories(temp.resolve("data"));
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0, null, Duration.ofMillis(100)), Clock.systemUTC())) {
            String admin = new TestClient(server)
                    .login(server.bootstrap().email(), server.bootstrap().password());
            int p = port();
            for (String url : List.of(
                    "http://127.0.0.1:" + p + "/hook",
                    "http://0.0.0.0:" + p + "/hook",
                    "http://2130706433:" + p + "/hook",
                    "http://[::1]:" + p + "/hook",
                    "http://localhost:" + p + "/hook",
                    "http://LOCALHOST.:" + p + "/hook",
                    "http://169.254.169.254/latest/meta-data/",
                    "http://0x7f.1:" + p + "/hook",
                    "http://017700000001:" + p + "/hook",
                    "http://127.1:" + p + "/hook",
                    "http://[::ffff:127.0.0.1]:" + p + "/hook",
                    "http://[::ffff:7f00:1]:" + p + "/hook",
                    "http://10.1.2.3/hook",
                    "http://172.16.0.1/hook",
                    "http://192.168.1.1/hook",
                    "http://100.64.0.1/hook",
                    "http://[fd00::1]/hook",
                    "http://[fe80::1]/hook",
                    "http://224.0.0.1/hook",
                    "http://255.255.255.255/hook",
                    "http://user:secret@hooks.example/hook",
                    "ftp://hooks.example/hook",
                    "file:///etc/passwd")) {
                HttpResponse<String> created = createRule(server, admin, url);
                assertThat(created.statusCode())
                        .as(url + " -> " + created.body())
                        .isEqualTo(400);
                assertThat(JSON.readTree(created.body()).path("error").asString())
                        .as(url)
                        .isNotBlank();
            }
            assertThat(createRule(server, admin, "http://127.0.0.1:" + p + "/hook")
                            .body())
                    .contains("loopback")
                    .contains("--allow-webhook-network");
            sendBatch(server, server.bootstrap().intakeKey(), "web-1");
            Thread.sleep(1000);
            assertThat(received).isEmpty();
        }
    }

    @Test
    void anAllowedRangeReceivesSignedDeliveriesAndWithoutItTheSendIsRefusedAndRecorded() throws Exception {
        Path data = advisories(temp.resolve("data"));
        NetworkOptions allowLoopback = NetworkOptions.defaults().withWebhookAllowed(List.of(Cidr.parse("127.0.0.0/8")));
        String email;
        String password;
        String intakeKey;
        String ruleId;
        String secret;
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0, null, Duration.ofMillis(100))
                        .withNetwork(allowLoopback),
                Clock.systemUTC())) {
            email = server.bootstrap().email();
            password = server.bootstrap().password();
            intakeKey = server.bootstrap().intakeKey();
            String admin = new TestClient(server).login(email, password);
            HttpResponse<String> created = createRule(server, admin, "http://localhost:" + port() + "/hook?x=1");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            ruleId = JSON.readTree(created.body()).path("id").asString();
            secret = JSON.readTree(created.body()).path("secret").asString();
            assertThat(secret).startsWith("whsec_");
            sendBatch(server, intakeKey, "web-1");
            await(() -> !received.isEmpty());
            Map<String, String> delivery = received.getFirst();
            assertThat(delivery.get("path")).isEqualTo("/hook?x=1");
            // what a receiver does, written here from the documentation, not with the server's code
            String header = delivery.get("signature");
            assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
            String timestamp = header.substring(2, header.indexOf(','));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of()
                    .formatHex(mac.doFinal((timestamp + "." + delivery.get("body")).getBytes(StandardCharsets.UTF_8)));
            assertThat(header).endsWith(",v1=" + expected);
            assertThat(Math.abs(Long.parseLong(timestamp) - System.currentTimeMillis() / 1000))
                    .isLessThan(60);
            JsonNode rules = JSON.readTree(new TestClient(server)
                    .get("/api/v1/notification-rules", admin)
                    .body());
            assertThat(rules.path("rules").get(0).path("signed").asBoolean()).isTrue();
            await(() -> deliveries(server, admin, ruleId)
                    .path(0)
                    .path("status")
                    .asString()
                    .equals("delivered"));
        }
        int before = received.size();
        // the same store without the allowance: the stored loopback target is refused when sending
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0, null, Duration.ofMillis(100)), Clock.systemUTC())) {
            String admin = new TestClient(server).login(email, password);
            sendBatch(server, intakeKey, "web-2");
            await(() -> deliveries(server, admin, ruleId)
                    .path(0)
                    .path("status")
                    .asString()
                    .equals("failed"));
            JsonNode refused = deliveries(server, admin, ruleId).path(0);
            assertThat(refused.path("lastError").asString()).contains("refused").contains("loopback");
            assertThat(refused.path("attempts").asInt())
                    .as("a refusal is not retried")
                    .isEqualTo(1);
            Thread.sleep(500);
            assertThat(deliveries(server, admin, ruleId)
                            .path(0)
                            .path("attempts")
                            .asInt())
                    .isEqualTo(1);
        }
        assertThat(received).hasSize(before);
    }

    @Test
    void dnsRebindingReachesOnlyTheCheckedAddress() throws Exception {
        Path data = advisories(temp.resolve("data"));
        // the name answers a public address to the first two lookups (rule creation, the send's check) and loopback
        // afterwards: a client that looked the name up again to connect would reach the listener
        InetAddress publicAddress = InetAddress.getByAddress("hooks.example", new byte[] {(byte) 192, 0, 2, 10});
        InetAddress loopback = InetAddress.getByAddress("hooks.example", new byte[] {127, 0, 0, 1});
        List<String> lookups = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        NetworkOptions rebinding = NetworkOptions.defaults().withResolver(host -> {
            InetAddress answer = calls.incrementAndGet() <= 2 ? publicAddress : loopback;
            lookups.add(host + "=" + answer.getHostAddress());
            return List.of(answer);
        });
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0, null, Duration.ofSeconds(30))
                        .withNetwork(rebinding),
                Clock.systemUTC())) {
            String admin = new TestClient(server)
                    .login(server.bootstrap().email(), server.bootstrap().password());
            HttpResponse<String> created = createRule(server, admin, "http://hooks.example:" + port() + "/hook");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String ruleId = JSON.readTree(created.body()).path("id").asString();
            sendBatch(server, server.bootstrap().intakeKey(), "web-1");
            await(() ->
                    deliveries(server, admin, ruleId).path(0).path("attempts").asInt() >= 1);
            JsonNode first = deliveries(server, admin, ruleId).path(0);
            assertThat(first.path("lastError").asString())
                    .as("the connection went to the checked address")
                    .contains("192.0.2.10");
            assertThat(lookups).as("one lookup per send").hasSize(2);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void headersOnPagesApiAndErrorsAndNoStoreWhenSignedIn() throws Exception {
        Path data = temp.resolve("data");
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            String token = new TestClient(server)
                    .login(server.bootstrap().email(), server.bootstrap().password());
            String base = "http://127.0.0.1:" + server.port();
            for (String path :
                    List.of("/login", "/healthz", "/api/v1/findings", "/findings", "/setup", "/no-such-page")) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Cookie", "vigil_session=" + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                var headers = response.headers();
                assertThat(headers.firstValue("Content-Security-Policy"))
                        .as(path)
                        .hasValueSatisfying(csp -> assertThat(csp)
                                .contains("default-src 'self'")
                                .contains("frame-ancestors 'none'")
                                .contains("form-action 'self'")
                                .contains("base-uri 'none'")
                                .contains("object-src 'none'")
                                .doesNotContain("unsafe-inline"));
                assertThat(headers.firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(headers.firstValue("X-Content-Type-Options"))
                        .as(path)
                        .hasValue("nosniff");
                assertThat(headers.firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
                assertThat(headers.firstValue("Cache-Control")).as(path).hasValue("no-store");
            }
            HttpResponse<String> css = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/assets/vigil.css"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(css.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(css.headers().firstValue("Cache-Control")).hasValue("max-age=3600");
        }
    }

    @Test
    void theStoreAndTheSecretsAreOwnerOnlyAfterAFreshStart() throws Exception {
        Path data = temp.resolve("fresh").resolve("data");
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            new TestClient(server)
                    .login(server.bootstrap().email(), server.bootstrap().password());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                    .isEqualTo("rwx------");
            for (String name : List.of("server.db", "server.db-wal", "server.db-shm", "secret.key")) {
                Path file = data.resolve(name);
                assertThat(file).as(name).exists();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .as(name)
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void controlCharactersInParametersAreA400NamingTheParameter() throws Exception {
        Path data = temp.resolve("data");
        try (VigilServer server =
                VigilServer.start(new VigilServer.Options(data, null, "127.0.0.1", 0), Clock.systemUTC())) {
            String token = new TestClient(server)
                    .login(server.bootstrap().email(), server.bootstrap().password());
            String base = "http://127.0.0.1:" + server.port();
            for (String path : List.of(
                    "/api/v1/findings?q=%00",
                    "/api/v1/findings?q=abc%00def",
                    "/api/v1/findings?resource=%01x",
                    "/api/v1/findings?q=a%0Ab",
                    "/api/v1/findings/export?status=%00",
                    "/api/v1/findings/x%01y/history")) {
                HttpResponse<String> api = http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(api.statusCode()).as(path + " " + api.body()).isEqualTo(400);
                assertThat(api.body()).as(path).contains("control character");
            }
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/v1/findings?q=%00"))
                                            .header("Authorization", "Bearer " + token)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body())
                    .contains("'q'");
            HttpResponse<String> page = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/findings?q=%00"))
                            .header("Cookie", "vigil_session=" + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
            assertThat(page.body()).contains("'q'").contains("control character");
            HttpResponse<String> body = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/findings/x/mute"))
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"a\\u0000b\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(body.statusCode()).as(body.body()).isEqualTo(400);
            assertThat(body.body()).contains("'reason'");
            HttpResponse<String> form = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/login"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("email=a%00b&password=x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).as(form.body()).isEqualTo(400);
            assertThat(form.body()).contains("'email'").contains("control character");
        }
    }

    /** PostgreSQL refuses a NUL in text: the search failed with a 500 there before parameters were checked. */
    @Test
    void aNulInTheSearchIsA400OnPostgresqlToo() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres =
                        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                                .start();
                VigilServer server = VigilServer.start(
                        new VigilServer.Options(
                                temp.resolve("data"),
                                "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres",
                                "127.0.0.1",
                                0),
                        Clock.systemUTC())) {
            String token = new TestClient(server)
                    .login(server.bootstrap().email(), server.bootstrap().password());
            for (String path : List.of("/api/v1/findings?q=%00", "/api/v1/findings?q=x%00&status=open")) {
                HttpResponse<String> response = new TestClient(server).get(path, token);
                assertThat(response.statusCode())
                        .as(path + " " + response.body())
                        .isEqualTo(400);
                assertThat(response.body()).contains("'q'");
            }
        }
    }

    @Test
    void forwardedHeadersCountOnlyFromTrustedProxies() throws Exception {
        Path data = temp.resolve("data");
        String email;
        String password;
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0)
                        .withNetwork(NetworkOptions.defaults().withTrustedProxies(List.of(Cidr.parse("127.0.0.1")))),
                Clock.systemUTC())) {
            email = server.bootstrap().email();
            password = server.bootstrap().password();
            HttpResponse<String> login = proxiedLogin(server, email, password);
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(cookie ->
                            assertThat(cookie).contains("vigil_session=").contains("; Secure"));
            HttpResponse<String> redirect = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/findings"))
                            .header("X-Forwarded-Proto", "https")
                            .header("X-Forwarded-Host", "vigil.example.com")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(redirect.statusCode()).isEqualTo(302);
            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertThat(location).as("the public scheme, or a relative redirect").doesNotStartWith("http:");
            if (location.contains("://")) {
                assertThat(location).startsWith("https://vigil.example.com/login");
            }
            // a form posted through the proxy from the public origin is this site's own
            String session =
                    TestClient.JSON.readTree(login.body()).path("token").asString();
            HttpResponse<String> logout = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/logout"))
                            .header("X-Forwarded-Proto", "https")
                            .header("X-Forwarded-Host", "vigil.example.com")
                            .header("Origin", "https://vigil.example.com")
                            .header("Cookie", "vigil_session=" + session)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(""))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(logout.statusCode()).as(logout.body()).isEqualTo(303);
        }
        // the same headers from an address that is not a trusted proxy are ignored
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0)
                        .withNetwork(NetworkOptions.defaults().withTrustedProxies(List.of(Cidr.parse("10.0.0.0/8")))),
                Clock.systemUTC())) {
            HttpResponse<String> login = proxiedLogin(server, email, password);
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("Set-Cookie"))
                    .hasValueSatisfying(cookie -> assertThat(cookie).doesNotContain("Secure"));
        }
    }

    @Test
    void clientsTricklingHeadersDoNotStopTheServerAndAreCutOff() throws Exception {
        Path data = temp.resolve("data");
        Duration deadline = Duration.ofSeconds(3);
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0)
                        .withNetwork(NetworkOptions.defaults().withRequestHeadDeadline(deadline)),
                Clock.systemUTC())) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    socket.getOutputStream()
                            .write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    slow.add(socket);
                }
                long worst = 0;
                long start = System.nanoTime();
                int round = 0;
                while (System.nanoTime() - start
                        < deadline.toNanos() + Duration.ofSeconds(4).toNanos()) {
                    for (Socket socket : slow) { // a byte per connection per round: never a complete header
                        if (!socket.isClosed()) {
                            try {
                                socket.getOutputStream().write('a');
                            } catch (IOException closedByServer) {
                                socket.close();
                            }
                        }
                    }
                    long before = System.nanoTime();
                    HttpResponse<String> health = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(health.statusCode()).isEqualTo(200);
                    worst = Math.max(worst, System.nanoTime() - before);
                    round++;
                    Thread.sleep(250);
                }
                System.out.printf(
                        "slowloris: 500 connections trickling headers; /healthz answered %d times, slowest %d ms%n",
                        round, worst / 1_000_000);
                assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofSeconds(2));
                int closed = 0;
                for (Socket socket : slow) {
                    if (closedByServer(socket)) {
                        closed++;
                    }
                }
                System.out.printf(
                        "slowloris: %d of 500 trickling connections closed by the server after %s%n", closed, deadline);
                assertThat(closed)
                        .as("connections without a complete request head are cut off")
                        .isEqualTo(500);
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aSlowUploadAfter100ContinueIsNotCutOffByTheSlowClientDeadline() throws Exception {
        // curl and many agents send Expect: 100-continue; Jetty counts the 100 as the answer, so a sweeper that looks
        // at answered counts took the upload that followed for an idle connection and closed it
        Path data = advisories(temp.resolve("data"));
        Duration deadline = Duration.ofSeconds(2);
        try (VigilServer server = VigilServer.start(
                new VigilServer.Options(data, null, "127.0.0.1", 0)
                        .withNetwork(NetworkOptions.defaults().withRequestHeadDeadline(deadline)),
                Clock.systemUTC())) {
            byte[] batch = TestClient.gzip(TestClient.batch(
                    UUID.randomUUID().toString(),
                    "agent-slow-test",
                    "slow-1",
                    "0.1.0",
                    TestClient.debianHost("testpkg")));
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(30_000);
                var out = socket.getOutputStream();
                out.write(("POST /intake/v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                + server.bootstrap().intakeKey() + "\r\nContent-Encoding: gzip\r\n"
                                + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                                + batch.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(head(in)).startsWith("HTTP/1.1 100");
                long start = System.nanoTime();
                int pieces = 10; // over 5 s: more than twice the deadline, every piece well within it
                for (int i = 0; i < pieces; i++) {
                    Thread.sleep(500);
                    int from = batch.length * i / pieces;
                    int to = batch.length * (i + 1) / pieces;
                    out.write(batch, from, to - from);
                    out.flush();
                }
                String answer = head(in);
                System.out.printf(
                        "slow upload: %d bytes over %d ms with a %s deadline: %s%n",
                        batch.length,
                        (System.nanoTime() - start) / 1_000_000,
                        deadline,
                        answer.lines().findFirst().orElse(""));
                assertThat(answer).startsWith("HTTP/1.1 202");
            }
        }
    }

    /** An answer's status line and headers, read byte by byte up to the blank line. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection after: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        if (socket.isClosed()) {
            return true;
        }
        socket.setSoTimeout(200);
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int b = in.read(); // a 4xx the server wrote before closing, then the end
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private HttpResponse<String> proxiedLogin(VigilServer server, String email, String password) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/login"))
                        .header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-Host", "vigil.example.com")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> createRule(VigilServer server, String admin, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/notification-rules"))
                        .header("Authorization", "Bearer " + admin)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(Map.of("name", "hook", "minSeverity", "low", "url", url))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode deliveries(VigilServer server, String admin, String ruleId) throws Exception {
        HttpResponse<String> response =
                new TestClient(server).get("/api/v1/notification-rules/" + ruleId + "/deliveries", admin);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("deliveries");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static void sendBatch(VigilServer server, String intakeKey, String host) throws Exception {
        HttpResponse<String> response = new TestClient(server)
                .send(
                        intakeKey,
                        TestClient.gzip(TestClient.batch(
                                UUID.randomUUID().toString(),
                                "agent-" + host + "-test",
                                host,
                                "0.1.0",
                                TestClient.debianHost("testpkg"))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static Path advisories(Path data) throws Exception {
        Files.createDirectories(data);
        Path advisory = data.getParent().resolve("a.json");
        Files.writeString(advisory, """
                {"id": "DEBIAN-CVE-2099-0003", "modified": "2099-01-01T00:00:00Z", "details": "flaw",
                 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "testpkg"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0-1"}]}]}]}
                """);
        new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC())
                .importInto(AdvisoryStore.fileIn(data), List.of(advisory), false, vigil.model.ProgressListener.NONE);
        return data;
    }
}
