package vigil.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sign-in policy's arithmetic: which bucket an address uses, and how long a lock lasts. */
class LoginsTest {
    @Test
    void anIpv6NetworkSharesOneBucketAndIpv4AddressesHaveTheirOwn() {
        assertThat(Logins.addressKey("2001:db8:1:2::1")).isEqualTo(Logins.addressKey("2001:db8:1:2:ffff::9"));
        assertThat(Logins.addressKey("[2001:db8:1:2::1]")).isEqualTo(Logins.addressKey("2001:db8:1:2::7"));
        assertThat(Logins.addressKey("2001:db8:1:2::1")).isNotEqualTo(Logins.addressKey("2001:db8:1:3::1"));
        assertThat(Logins.addressKey("192.0.2.1")).isNotEqualTo(Logins.addressKey("192.0.2.2"));
    }

    @Test
    void anIpv4MappedIpv6PeerSharesTheIpv4AddresssBucket() {
        assertThat(Logins.addressKey("::ffff:192.0.2.1")).isEqualTo(Logins.addressKey("192.0.2.1"));
        assertThat(Logins.addressKey("[::ffff:c000:201]")).isEqualTo(Logins.addressKey("192.0.2.1"));
        assertThat(Logins.addressKey("::FFFF:192.0.2.1")).isEqualTo(Logins.addressKey("192.0.2.1"));
    }

    @Test
    void locksDoubleFromThirtySecondsAndStopAtFifteenMinutes() {
        assertThat(Logins.lockFor(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Logins.lockFor(6)).isEqualTo(Duration.ofMinutes(1));
        assertThat(Logins.lockFor(9)).isEqualTo(Duration.ofMinutes(8));
        assertThat(Logins.lockFor(10)).isEqualTo(Duration.ofMinutes(15));
        assertThat(Logins.lockFor(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
    }
}
