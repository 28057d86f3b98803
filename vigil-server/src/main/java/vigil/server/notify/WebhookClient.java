package vigil.server.notify;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import vigil.server.net.AddressRules;
import vigil.server.net.Resolver;

/**
 * Posts to webhooks without letting a rule reach inside the network (SSRF). The host is resolved once, every address
 * is checked against {@link AddressRules}, and the connection is opened to a checked address: a DNS answer that
 * changes between the check and the connection (rebinding) cannot redirect it, because nothing resolves the name
 * again. The JDK's HttpClient would resolve by itself, so this speaks HTTP/1.1 on its own socket, with the URL's host
 * in {@code Host}, in TLS's SNI and in the certificate check. Redirects are never followed.
 */
public final class WebhookClient {
    /** What became of one post. */
    public sealed interface Outcome {
        /** The receiver answered 2xx. */
        record Delivered(int status) implements Outcome {}

        /** Never to be sent: the target is not allowed. Not retried. */
        record Refused(String reason) implements Outcome {}

        /** Sent or tried, and it did not work; worth retrying. */
        record Failed(String reason) implements Outcome {}
    }

    /** Numeric IPv4 forms other than four decimal parts: {@code 2130706433}, {@code 0x7f.1}, {@code 017700000001}. */
    private static final Pattern NUMERIC_HOST =
            Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+)){0,3}\\.?", Pattern.CASE_INSENSITIVE);

    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private static final int MAX_LINE = 8192;

    /** Ends posts that outlast their deadline ({@link Deadline}). */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("vigil-webhook-deadline").factory());

    private final AddressRules rules;
    private final Resolver resolver;
    private final Duration connectTimeout;
    private final Duration timeout;

    public WebhookClient(AddressRules rules, Resolver resolver, Duration connectTimeout, Duration timeout) {
        this.rules = rules;
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    /**
     * Checks a rule's target when it is created: http or https, a host, no user name or password, no numeric address
     * form, and no address the rules forbid (when the name resolves now; it is checked again at every send).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public void checkTarget(URI target) {
        Optional<String> problem = syntaxProblem(target);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        String host = host(target);
        List<InetAddress> addresses;
        try {
            addresses = resolve(host);
        } catch (UnknownHostException e) {
            return; // not resolvable now (a closed network, a name made later): checked when sending
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = rules.refusal(address);
            if (refusal.isPresent()) {
                throw new IllegalArgumentException("the url's host " + host + " is refused: " + refusal.get());
            }
        }
    }

    private static Optional<String> syntaxProblem(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("the url must be an http:// or https:// URL");
        }
        if (target.getRawUserInfo() != null) {
            return Optional.of("the url must not hold a user name or password; put a token in its path or query");
        }
        String authority = target.getRawAuthority();
        String host = target.getHost();
        String candidate = host != null ? host : authority == null ? "" : authority.replaceFirst(":[0-9]*$", "");
        if (NUMERIC_HOST.matcher(candidate).matches()
                && !DOTTED_QUAD.matcher(candidate).matches()) {
            return Optional.of("the url's host " + candidate + " is a numeric address form; write an IPv4 address"
                    + " as four decimal numbers (a.b.c.d), or use a name");
        }
        if (host == null || host.isEmpty()) {
            return Optional.of("the url has no host");
        }
        return Optional.empty();
    }

    /** The host without IPv6 brackets. */
    private static String host(URI target) {
        String host = String.valueOf(target.getHost());
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private List<InetAddress> resolve(String host) throws UnknownHostException {
        String name = host.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            // RFC 6761: always loopback, whatever a resolver says
            return List.of(InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1}));
        }
        List<InetAddress> addresses = resolver.resolve(host);
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host + " has no address");
        }
        return addresses;
    }

    /** Posts {@code body} to {@code target}: resolved once, checked, connected to a checked address. */
    public Outcome post(URI target, Map<String, String> headers, byte[] body) {
        Optional<String> problem = syntaxProblem(target);
        if (problem.isPresent()) {
            return new Outcome.Refused(problem.get());
        }
        String host = host(target);
        List<InetAddress> addresses;
        try {
            addresses = resolve(host);
        } catch (UnknownHostException e) {
            return new Outcome.Failed("cannot resolve " + host + ": " + e.getMessage());
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = rules.refusal(address);
            if (refusal.isPresent()) {
                return new Outcome.Refused("refused: " + host + " resolves to " + refusal.get());
            }
        }
        boolean tls = target.getScheme().equalsIgnoreCase("https");
        int port = target.getPort() > 0 ? target.getPort() : tls ? 443 : 80;
        Duration budget = connectTimeout.plus(timeout);
        String failure = "";
        try (Deadline deadline = Deadline.after(budget)) {
            for (InetAddress address : addresses) {
                Socket socket = new Socket();
                try (socket) {
                    try {
                        deadline.watch(socket);
                        socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
                    } catch (IOException e) {
                        if (deadline.expired()) {
                            break;
                        }
                        failure = "cannot connect to " + address.getHostAddress() + ":" + port + ": " + describe(e);
                        continue; // another of the checked addresses may answer
                    }
                    return exchange(socket, tls, target, host, port, headers, body);
                } catch (IOException e) {
                    if (deadline.expired()) {
                        break;
                    }
                    return new Outcome.Failed(
                            "posting to " + address.getHostAddress() + ":" + port + " failed: " + describe(e));
                }
            }
            if (deadline.expired()) {
                return new Outcome.Failed(
                        "the receiver is too slow to answer: the post took more than " + budget.toSeconds() + " s");
            }
        }
        return new Outcome.Failed(failure);
    }

    /**
     * Closes a post's sockets when its time is up. Socket timeouts bound each read only: a receiver trickling its TLS
     * handshake a byte at a time, or not reading what is written, would hold the dispatcher (every organization's
     * deliveries) for as long as it likes.
     */
    private static final class Deadline implements AutoCloseable {
        private final List<Socket> sockets = new ArrayList<>();
        private boolean expired;
        private @Nullable ScheduledFuture<?> task;

        static Deadline after(Duration budget) {
            Deadline deadline = new Deadline();
            deadline.task = TIMER.schedule(deadline::expire, budget.toNanos(), TimeUnit.NANOSECONDS);
            return deadline;
        }

        synchronized void watch(Socket socket) throws IOException {
            if (expired) {
                throw new SocketTimeoutException("the deadline has passed");
            }
            sockets.add(socket);
        }

        synchronized boolean expired() {
            return expired;
        }

        private synchronized void expire() {
            expired = true;
            for (Socket socket : sockets) {
                try {
                    socket.close(); // wakes the thread blocked on it, in a handshake, a read or a write
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }

        @Override
        public void close() {
            ScheduledFuture<?> scheduled = task;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }

    private Outcome exchange(
            Socket connected, boolean tls, URI target, String host, int port, Map<String, String> headers, byte[] body)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        connected.setSoTimeout((int) timeout.toMillis());
        Socket socket = connected;
        if (tls) {
            SSLSocket ssl;
            try {
                ssl = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(connected, host, port, true);
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("no TLS in this JDK", e);
            }
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
            if (!host.contains(":") && !DOTTED_QUAD.matcher(host).matches()) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            socket = ssl;
        }
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        StringBuilder head = new StringBuilder("POST ")
                .append(path)
                .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                .append(" HTTP/1.1\r\nHost: ")
                .append(target.getRawAuthority())
                .append("\r\nContent-Length: ")
                .append(body.length)
                .append("\r\nConnection: close\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        OutputStream out = new BufferedOutputStream(socket.getOutputStream());
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        String status = line(in, deadline);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[1-5][0-9][0-9]")) {
            return new Outcome.Failed("the receiver did not answer HTTP: " + printable(status));
        }
        int code = Integer.parseInt(parts[1]);
        String location = null;
        for (int i = 0; i < 200; i++) {
            String header = line(in, deadline);
            if (header.isEmpty()) {
                break;
            }
            if (header.regionMatches(true, 0, "Location:", 0, 9)) {
                location = header.substring(9).strip();
            }
        }
        if (code / 100 == 2) {
            return new Outcome.Delivered(code);
        }
        if (code / 100 == 3) {
            return new Outcome.Failed("HTTP " + code + ": redirects are not followed"
                    + (location == null
                            ? ""
                            : " (to " + printable(location) + "); set the rule's url to the final one"));
        }
        return new Outcome.Failed("HTTP " + code);
    }

    /** One CRLF-ended line, bounded in length and time. */
    private static String line(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("the receiver is too slow to answer");
            }
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("the receiver's answer has a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String printable(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + printable(e.getMessage()));
    }

    /** The rules' allowed ranges, for messages. */
    public AddressRules rules() {
        return rules;
    }
}
