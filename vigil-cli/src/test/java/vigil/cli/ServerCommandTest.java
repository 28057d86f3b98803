package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vigil.server.net.Cidr;

class ServerCommandTest {
    @Test
    void networkRangesAreCheckedAndNamedWhenWrong() {
        assertThat(ServerCommand.ranges(
                        "--allow-webhook-network", List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7"), "VIGIL_UNSET_TEST"))
                .containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"), Cidr.parse("192.0.2.7/32"));
        for (String bad : List.of("10.0.0.0/33", "example.com", "10.0.0.0/x", "0x7f.1/8")) {
            assertThatThrownBy(() -> ServerCommand.ranges("--trust-forwarded-from", List.of(bad), "VIGIL_UNSET_TEST"))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("--trust-forwarded-from")
                    .hasMessageContaining(bad);
        }
    }
}
