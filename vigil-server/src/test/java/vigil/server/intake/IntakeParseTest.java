package vigil.server.intake;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vigil.server.auth.Permission;
import vigil.server.auth.Principal;

class IntakeParseTest {
    private final Intake intake =
            new Intake(org.jdbi.v3.core.Jdbi.create("jdbc:sqlite::memory:"), null, Clock.systemUTC());
    private final Principal agent = new Principal("org", "key", Set.of(Permission.INTAKE));

    @Test
    void bodiesThatAreNotGzipAreMalformed() {
        assertThatThrownBy(() -> intake.accept(agent, "not gzip".getBytes(StandardCharsets.UTF_8), true))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining("decompressed");
    }

    @Test
    void decompressionBombsAreTooLarge() throws Exception {
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bomb)) {
            gzip.write('[');
            byte[] spaces = new byte[1 << 20];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 260; i++) {
                gzip.write(spaces);
            }
        }
        assertThatThrownBy(() -> intake.accept(agent, bomb.toByteArray(), true))
                .isInstanceOf(IntakeException.class)
                .hasMessageContaining("larger than 256 MiB")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((IntakeException) e).status())
                        .isEqualTo(413));
    }
}
