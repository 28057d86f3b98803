package vigil.server.net;

import java.time.Duration;
import java.util.List;

/**
 * The server's network settings beyond host and port.
 *
 * @param webhookAllowed ranges webhooks may reach although {@link AddressRules} forbids them (an administrator's
 *     choice, e.g. an internal chat server in 10.0.0.0/8)
 * @param trustedProxies TLS-terminating proxies whose {@code Forwarded}/{@code X-Forwarded-*} headers are believed
 *     (the scheme, host and client they name); from anyone else those headers are ignored
 * @param requestHeadDeadline how long a connection may take to send a request's line and headers (or sit idle
 *     between requests) before it is closed: a client that trickles headers cannot hold connections for ever
 * @param resolver the resolver webhook hosts are looked up with (a test's, to play DNS rebinding)
 */
public record NetworkOptions(
        List<Cidr> webhookAllowed, List<Cidr> trustedProxies, Duration requestHeadDeadline, Resolver resolver) {
    public NetworkOptions {
        webhookAllowed = List.copyOf(webhookAllowed);
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static NetworkOptions defaults() {
        return new NetworkOptions(List.of(), List.of(), Duration.ofSeconds(20), Resolver.system());
    }

    public NetworkOptions withWebhookAllowed(List<Cidr> ranges) {
        return new NetworkOptions(ranges, trustedProxies, requestHeadDeadline, resolver);
    }

    public NetworkOptions withTrustedProxies(List<Cidr> ranges) {
        return new NetworkOptions(webhookAllowed, ranges, requestHeadDeadline, resolver);
    }

    public NetworkOptions withRequestHeadDeadline(Duration deadline) {
        return new NetworkOptions(webhookAllowed, trustedProxies, deadline, resolver);
    }

    public NetworkOptions withResolver(Resolver replacement) {
        return new NetworkOptions(webhookAllowed, trustedProxies, requestHeadDeadline, replacement);
    }
}
