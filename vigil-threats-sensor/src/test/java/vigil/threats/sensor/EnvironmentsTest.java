package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {
    @Test
    void keepsNamesAndOnlyTheValuesThatSayHowAProgramLoads() {
        assertThat(Environments.forRules(
                        List.of("AWS_SECRET_ACCESS_KEY=abc", "LD_PRELOAD=/tmp/x.so", "PATH=/bin", "EMPTY=", "NOVALUE"),
                        false))
                .containsExactly("AWS_SECRET_ACCESS_KEY", "LD_PRELOAD=/tmp/x.so", "PATH=/bin", "EMPTY", "NOVALUE");
    }

    @Test
    void aCutEnvironmentLosesItsPartialLastStringAndNamelessOnesAreSkipped() {
        assertThat(Environments.forRules(List.of("HOME=/root", "=x", "", "LD_PRE"), true))
                .containsExactly("HOME");
        assertThat(Environments.forRules(List.of(), true)).isEmpty();
    }

    @Test
    void keepsAtMostItsBound() {
        assertThat(Environments.forRules(Collections.nCopies(Environments.MAX + 10, "A=b"), false))
                .hasSize(Environments.MAX);
    }
}
