package vigil.server.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses the server may send requests to on a user's behalf (webhooks): none of loopback, private,
 * link-local (cloud metadata at 169.254.169.254), shared, multicast, broadcast or unspecified ranges, in IPv4, IPv6 or
 * IPv6 forms embedding an IPv4 address, unless an administrator allowed a range that holds the address.
 */
public final class AddressRules {
    private record Forbidden(Cidr range, String what) {}

    private static final List<Forbidden> FORBIDDEN = List.of(
            forbid("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
            forbid("127.0.0.0/8", "loopback"),
            forbid("10.0.0.0/8", "private (10.0.0.0/8)"),
            forbid("172.16.0.0/12", "private (172.16.0.0/12)"),
            forbid("192.168.0.0/16", "private (192.168.0.0/16)"),
            forbid("169.254.0.0/16", "link-local, where cloud metadata services answer"),
            forbid("100.64.0.0/10", "shared address space (100.64.0.0/10)"),
            forbid("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
            forbid("224.0.0.0/4", "multicast"),
            forbid("240.0.0.0/4", "reserved or broadcast"),
            forbid("::/128", "unspecified (::)"),
            forbid("::1/128", "loopback"),
            forbid("fc00::/7", "unique local (fc00::/7)"),
            forbid("fe80::/10", "link-local"),
            forbid("fec0::/10", "site-local"),
            forbid("ff00::/8", "multicast"));

    /**
     * IPv6 ranges whose last 32 bits are an IPv4 address: IPv4-mapped, compatible and NAT64. The JDK turns a mapped
     * literal ({@code ::ffff:a.b.c.d}) into an IPv4 address itself, but not an address a resolver answered (an AAAA
     * record), and a dual-stack socket connects a mapped address to its IPv4 one.
     */
    private static final List<Cidr> EMBEDDING_IPV4 = List.of(
            // written as bytes: Cidr.parse would get the JDK's IPv4 form of a mapped literal
            new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96),
            Cidr.parse("::/96"),
            Cidr.parse("64:ff9b::/96"));

    /** 6to4: bits 16 to 47 are an IPv4 address. */
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;

    public AddressRules(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    private static Forbidden forbid(String range, String what) {
        return new Forbidden(Cidr.parse(range), what);
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** Why the address may not be reached, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        for (InetAddress form : forms(address)) {
            if (allowed.stream().anyMatch(range -> range.contains(form))) {
                return Optional.empty();
            }
        }
        for (InetAddress form : forms(address)) {
            for (Forbidden forbidden : FORBIDDEN) {
                if (forbidden.range().contains(form)) {
                    return Optional.of(address.getHostAddress() + " is " + forbidden.what()
                            + "; an administrator can allow a range with --allow-webhook-network");
                }
            }
        }
        return Optional.empty();
    }

    /** The address, and the IPv4 address an IPv6 one embeds. */
    private static List<InetAddress> forms(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            boolean unspecifiedOrLoopback = Arrays.equals(bytes, new byte[16])
                    || Arrays.equals(bytes, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
            if (!unspecifiedOrLoopback && EMBEDDING_IPV4.stream().anyMatch(range -> range.contains(address))) {
                return List.of(address, ipv4(Arrays.copyOfRange(bytes, 12, 16)));
            }
            if (SIX_TO_FOUR.contains(address)) {
                return List.of(address, ipv4(Arrays.copyOfRange(bytes, 2, 6)));
            }
        }
        return List.of(address);
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return Inet4Address.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
