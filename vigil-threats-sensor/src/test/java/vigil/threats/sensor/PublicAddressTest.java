package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PublicAddressTest {
    private static boolean isPublic(String address) throws Exception {
        return PublicAddress.isPublic(InetAddress.getByName(address));
    }

    @Test
    void publicAddressesAreThoseInNoReservedRange() throws Exception {
        for (String yes : new String[] {
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "192.0.3.1",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700::1111",
            "::ffff:8.8.8.8"
        }) {
            assertThat(isPublic(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {
            "0.1.2.3",
            "10.1.2.3",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:10.0.0.1"
        }) {
            assertThat(isPublic(no)).as(no).isFalse();
        }
    }
}
