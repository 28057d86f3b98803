package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
