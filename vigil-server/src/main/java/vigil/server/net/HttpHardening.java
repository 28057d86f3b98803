package vigil.server.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;

/**
 * Jetty settings against slow clients and for running behind a TLS-terminating proxy: one per server, applied to each
 * of its HTTP configurations and then to the started server.
 */
public final class HttpHardening {
    /** Largest request line plus headers; a larger one gets 431. */
    public static final int MAX_REQUEST_HEAD_BYTES = 16 * 1024;

    private final NetworkOptions network;
    private final RequestHeadDeadline deadline;

    public HttpHardening(NetworkOptions network) {
        this.network = network;
        this.deadline = new RequestHeadDeadline(network.requestHeadDeadline());
    }

    /** Header limits, no version banner, requests tracked for the deadline, forwarded headers from trusted proxies. */
    public void configure(HttpConfiguration http) {
        http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.addCustomizer(deadline);
        if (!network.trustedProxies().isEmpty()) {
            http.addCustomizer(new FromTrustedProxies(network.trustedProxies()));
        }
    }

    /**
     * Closes connections that make no request within the deadline ({@link RequestHeadDeadline}); called once the
     * server's connectors exist. The connector starts and stops the sweeper with itself.
     */
    public void limitSlowClients(Server server) {
        for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
            if (connector instanceof org.eclipse.jetty.util.component.ContainerLifeCycle container) {
                container.addBean(deadline, true);
            }
        }
        try {
            deadline.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the request deadline's sweeper", e);
        }
    }

    /** Jetty's forwarded-header handling, applied only when the connection comes from a trusted proxy. */
    static final class FromTrustedProxies implements HttpConfiguration.Customizer {
        private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
        private final List<Cidr> proxies;

        FromTrustedProxies(List<Cidr> proxies) {
            this.proxies = List.copyOf(proxies);
        }

        @Override
        public Request customize(Request request, HttpFields.Mutable responseHeaders) {
            SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
            if (remote instanceof InetSocketAddress inet
                    && inet.getAddress() != null
                    && proxies.stream().anyMatch(range -> range.contains(inet.getAddress()))) {
                return forwarded.customize(request, responseHeaders);
            }
            return request;
        }
    }

    /**
     * Slowloris: Jetty's idle timeout restarts with every byte, so a client sending its headers a byte at a time keeps
     * a connection for ever, and enough of them exhaust the server's file descriptors. Every second this closes the
     * connections that have had no request in progress (headers not yet complete, or idle between requests) for
     * longer than the deadline. A request is in progress from its complete head until its exchange completes, so its
     * body (also after a {@code 100 Continue}, which Jetty counts as an answer) and its answer are left alone however
     * long they take.
     */
    static final class RequestHeadDeadline extends org.eclipse.jetty.util.component.AbstractLifeCycle
            implements Connection.Listener, HttpConfiguration.Customizer {
        /** Requests in progress on a connection, and since when it has had none (or when the last one started). */
        private record Watch(int inProgress, long since) {}

        private final long deadlineNanos;
        private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
        private volatile @org.jspecify.annotations.Nullable ScheduledExecutorService sweeper;

        RequestHeadDeadline(Duration deadline) {
            this.deadlineNanos = deadline.toNanos();
        }

        @Override
        public void onOpened(Connection connection) {
            if (connection.getMessagesIn() >= 0) { // HTTP connections count requests; TLS underneath them does not
                open.put(connection, new Watch(0, System.nanoTime()));
            }
        }

        @Override
        public void onClosed(Connection connection) {
            open.remove(connection);
        }

        /** Called by Jetty once a request's head is complete, before it is handled. */
        @Override
        public Request customize(Request request, HttpFields.Mutable responseHeaders) {
            Connection connection = request.getConnectionMetaData().getConnection();
            if (open.computeIfPresent(connection, (c, watch) -> new Watch(watch.inProgress() + 1, System.nanoTime()))
                    != null) {
                Request.addCompletionListener(
                        request,
                        failure -> open.computeIfPresent(
                                connection, (c, watch) -> new Watch(watch.inProgress() - 1, System.nanoTime())));
            }
            return request;
        }

        void sweep() {
            long now = System.nanoTime();
            open.forEach((connection, watch) -> {
                if (watch.inProgress() <= 0 && now - watch.since() > deadlineNanos) {
                    connection.getEndPoint().close();
                }
            });
        }

        @Override
        protected void doStart() {
            ScheduledExecutorService executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("vigil-request-deadline").factory());
            executor.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
            sweeper = executor;
        }

        @Override
        protected void doStop() {
            ScheduledExecutorService executor = sweeper;
            if (executor != null) {
                executor.shutdownNow();
            }
            open.clear();
        }
    }
}
