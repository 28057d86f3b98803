package vigil.agent.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import vigil.agent.facts.FactCollector;

/** A pod's service-account token is read without trusting it: an issuer or nothing, never an exception. */
class AgentInputFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void serviceAccountTokens(byte[] input) {
        Optional<String> issuer = FactCollector.tokenIssuer(new String(input, StandardCharsets.UTF_8));
        assertThat(issuer).isNotNull();
    }
}
