package vigil.threats.sensor;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * SECL's {@code *.addr.is_public}: whether an address is reachable on the public internet, i.e. in none of the
 * ranges reserved for private, local or special use (RFC 6890's registries: private networks, loopback, link-local,
 * carrier-grade NAT, documentation, benchmarking, multicast, reserved, unique-local IPv6). An IPv4-mapped IPv6
 * address is judged by its IPv4 address.
 */
final class PublicAddress {
    private PublicAddress() {}

    /** IPv4 ranges that are not public: {network, prefix length}. */
    private static final int[][] IPV4_RESERVED = {
        {0x00000000, 8}, // "this network"
        {0x0A000000, 8}, // private
        {0x64400000, 10}, // carrier-grade NAT
        {0x7F000000, 8}, // loopback
        {0xA9FE0000, 16}, // link-local (and cloud metadata services)
        {0xAC100000, 12}, // private
        {0xC0000000, 24}, // IETF protocol assignments
        {0xC0000200, 24}, // documentation (TEST-NET-1)
        {0xC0A80000, 16}, // private
        {0xC6120000, 15}, // benchmarking
        {0xC6336400, 24}, // documentation (TEST-NET-2)
        {0xCB007100, 24}, // documentation (TEST-NET-3)
        {0xE0000000, 4}, // multicast
        {0xF0000000, 4}, // reserved, and the broadcast address
    };

    static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return isPublicV4(v4.getAddress());
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && bytes.length == 16) {
            if (mappedV4(bytes)) {
                return isPublicV4(java.util.Arrays.copyOfRange(bytes, 12, 16));
            }
            int first = bytes[0] & 0xff;
            boolean uniqueLocal = (first & 0xfe) == 0xfc; // fc00::/7
            boolean documentation = first == 0x20
                    && (bytes[1] & 0xff) == 0x01
                    && (bytes[2] & 0xff) == 0x0d
                    && (bytes[3] & 0xff) == 0xb8; // 2001:db8::/32
            return !(address.isAnyLocalAddress()
                    || address.isLoopbackAddress()
                    || address.isLinkLocalAddress()
                    || address.isSiteLocalAddress()
                    || address.isMulticastAddress()
                    || uniqueLocal
                    || documentation);
        }
        return false;
    }

    private static boolean mappedV4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static boolean isPublicV4(byte[] bytes) {
        int value = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        for (int[] range : IPV4_RESERVED) {
            int mask = -1 << (32 - range[1]);
            if ((value & mask) == range[0]) {
                return false;
            }
        }
        return true;
    }
}
