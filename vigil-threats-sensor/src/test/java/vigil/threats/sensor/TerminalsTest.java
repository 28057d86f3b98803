package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalsTest {
    /** Device numbers as stat's tty_nr encodes them: major in bits 8-19, minor in 0-7 and 20-31. */
    @Test
    void namesTerminalsAsTheKernelDoes() {
        assertThat(Terminals.name(0)).as("none").isEmpty();
        assertThat(Terminals.name(136 << 8)).isEqualTo("pts0");
        assertThat(Terminals.name(136 << 8 | 7)).isEqualTo("pts7");
        assertThat(Terminals.name(137 << 8 | 2)).isEqualTo("pts258");
        assertThat(Terminals.name(136 << 8 | 1 << 20)).as("a minor above 255").isEqualTo("pts256");
        assertThat(Terminals.name(4 << 8 | 1)).isEqualTo("tty1");
        assertThat(Terminals.name(4 << 8 | 64)).isEqualTo("ttyS0");
        assertThat(Terminals.name(5 << 8 | 1)).isEqualTo("console");
        assertThat(Terminals.name(204 << 8 | 64))
                .as("another driver: named by number")
                .isEqualTo("tty(204:64)");
    }
}
