package vigil.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressRulesTest {
    @Test
    void internalAddressesInEveryFormAreRefusedUnlessAllowed() throws Exception {
        AddressRules rules = new AddressRules(List.of());
        for (String inside : List.of(
                "127.0.0.1",
                "127.255.0.9",
                "0.0.0.0",
                "10.9.8.7",
                "172.31.255.255",
                "192.168.0.1",
                "169.254.169.254",
                "100.127.0.1",
                "224.0.0.251",
                "255.255.255.255",
                "::",
                "::1",
                "::ffff:127.0.0.1",
                "::127.0.0.1",
                "64:ff9b::a9fe:a9fe",
                "fd00:ec2::254",
                "fe80::1",
                "ff02::1")) {
            assertThat(rules.refusal(InetAddress.getByName(inside))).as(inside).isPresent();
        }
        for (String outside : List.of("93.184.215.14", "172.32.0.1", "100.128.0.1", "192.0.2.10", "2001:db8::1")) {
            assertThat(rules.refusal(InetAddress.getByName(outside)))
                    .as(outside)
                    .isEmpty();
        }
        AddressRules allowing = new AddressRules(List.of(Cidr.parse("10.20.0.0/16"), Cidr.parse("fd00::/8")));
        assertThat(allowing.refusal(InetAddress.getByName("10.20.3.4"))).isEmpty();
        assertThat(allowing.refusal(InetAddress.getByName("10.21.3.4"))).isPresent();
        assertThat(allowing.refusal(InetAddress.getByName("fd00:ec2::254"))).isEmpty();
        assertThat(allowing.refusal(InetAddress.getByName("127.0.0.1"))).isPresent();
    }
}
