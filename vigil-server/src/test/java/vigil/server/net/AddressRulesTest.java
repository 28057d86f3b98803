package vigil.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
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

    @Test
    void ipv6AddressesCarryingARefusedIpv4AddressAreRefused() throws Exception {
        AddressRules rules = new AddressRules(List.of());
        // a resolver answering an AAAA record ::ffff:127.0.0.1 gives an Inet6Address (only literals are turned into
        // IPv4 by the JDK), and a dual-stack socket connects it to 127.0.0.1
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress answered = Inet6Address.getByAddress("rebind.example", mapped, null);
        assertThat(answered).isInstanceOf(Inet6Address.class);
        assertThat(rules.refusal(answered)).isPresent();
        byte[] metadata = {
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 169, (byte) 254, (byte) 169, (byte) 254
        };
        assertThat(rules.refusal(Inet6Address.getByAddress("m.example", metadata, null)))
                .isPresent();
        // 6to4 carries the IPv4 address in bits 16-47
        assertThat(rules.refusal(InetAddress.getByName("2002:7f00:1::"))).isPresent();
        assertThat(rules.refusal(InetAddress.getByName("2002:a9fe:a9fe::1"))).isPresent();
        assertThat(rules.refusal(InetAddress.getByName("2002:5db8:d70e::1"))).isEmpty();
        byte[] publicMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 93, (byte) 184, (byte) 215, 14};
        assertThat(rules.refusal(Inet6Address.getByAddress("ok.example", publicMapped, null)))
                .isEmpty();
    }
}
