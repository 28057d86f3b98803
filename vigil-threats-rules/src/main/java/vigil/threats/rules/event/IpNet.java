package vigil.threats.rules.event;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 address with a prefix length (32 or 128 for a single address). */
public record IpNet(byte[] address, int prefix) {
    public IpNet {
        address = address.clone();
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " of a " + address.length * 8 + "-bit address");
        }
    }

    /** {@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}; only literal addresses, never a name. */
    public static IpNet parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or network");
        }
        if (!host.contains(":") && host.chars().filter(c -> c == '.').count() != 3) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or network");
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException | SecurityException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or network", e);
        }
        int prefix = address.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length", e);
            }
            if (address.length == 4 && host.contains(":")) {
                // an IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network of its last 32 bits
                prefix = Math.max(0, prefix - 96);
            }
        }
        return new IpNet(address, prefix);
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    /** Whether every address of {@code other} is in this network (an address is a network of one). */
    public boolean contains(IpNet other) {
        if (other.address.length != address.length || other.prefix < prefix) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != other.address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (address[full] & mask) == (other.address[full] & mask);
    }

    /** Whether the two networks share an address. */
    public boolean intersects(IpNet other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpNet net && net.prefix == prefix && Arrays.equals(net.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            String host = InetAddress.getByAddress(address).getHostAddress();
            return prefix == address.length * 8 ? host : host + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
