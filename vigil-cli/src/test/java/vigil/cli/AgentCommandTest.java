package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentCommandTest {
    @Test
    void serverUrlsAreCheckedBeforeTheAgentStarts() {
        assertThat(AgentCommand.Run.serverUrl("https://vigil.example.com:8700").getPort())
                .isEqualTo(8700);
        for (String bad : new String[] {"ftp://vigil", "vigil.example.com", "http://", "http://bad host"}) {
            assertThatThrownBy(() -> AgentCommand.Run.serverUrl(bad))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("http(s) URL");
        }
    }

    @Test
    void intervalsTakeUnitsOrIsoAndRefuseLessThanTenSeconds() {
        assertThat(AgentCommand.Run.interval("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(AgentCommand.Run.interval("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(AgentCommand.Run.interval("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(AgentCommand.Run.interval("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> AgentCommand.Run.interval("5s"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("--interval 5s")
                .hasMessageContaining("minimum of 10s");
        assertThatThrownBy(() -> AgentCommand.Run.interval("PT0.5S"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("minimum of 10s");
        assertThatThrownBy(() -> AgentCommand.Run.interval("often"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("'often' is not a duration")
                .hasMessageContaining("30s");
    }

    @Test
    void theSpoolBoundComesFromTheOptionTheEnvironmentOrTheDefault() {
        assertThat(AgentCommand.Run.spoolMax("256MiB", Map.of())).isEqualTo(256L << 20);
        assertThat(AgentCommand.Run.spoolMax("2 GiB", Map.of())).isEqualTo(2L << 30);
        assertThat(AgentCommand.Run.spoolMax("100MB", Map.of())).isEqualTo(100_000_000L);
        assertThat(AgentCommand.Run.spoolMax("65536", Map.of())).isEqualTo(65536L);
        assertThat(AgentCommand.Run.spoolMax(null, Map.of("VIGIL_SPOOL_MAX", "1g")))
                .isEqualTo(1L << 30);
        assertThat(AgentCommand.Run.spoolMax("64KiB", Map.of("VIGIL_SPOOL_MAX", "1g")))
                .as("the option wins")
                .isEqualTo(64L << 10);
        assertThat(AgentCommand.Run.spoolMax(null, Map.of())).isEqualTo(512L << 20);
        assertThatThrownBy(() -> AgentCommand.Run.spoolMax("lots", Map.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("--spool-max 'lots' is not a size")
                .hasMessageContaining("256MiB");
        assertThatThrownBy(() -> AgentCommand.Run.spoolMax(null, Map.of("VIGIL_SPOOL_MAX", "-5M")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("VIGIL_SPOOL_MAX '-5M' is not a size");
        assertThatThrownBy(() -> AgentCommand.Run.spoolMax("256", Map.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("less than the minimum of 64KiB")
                .hasMessageContaining("256MiB");
        assertThatThrownBy(() -> AgentCommand.Run.spoolMax("999999999999999TiB", Map.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("too large");
    }
}
