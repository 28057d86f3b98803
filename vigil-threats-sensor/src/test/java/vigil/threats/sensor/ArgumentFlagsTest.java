package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference agent's own cases (datadog-agent, the process resolver's TestProcessArgsFlags/Options), as data. */
class ArgumentFlagsTest {
    @Test
    void flagsAreSingleDashLettersEachAndWholeAndDoubleDashWords() {
        assertThat(ArgumentFlags.flags(List.of("-abc", "--verbose", "test", "-v=1", "--host=myhost", "-9", "-", "--")))
                .containsExactlyInAnyOrder("a", "b", "c", "abc", "verbose", "9");
    }

    @Test
    void optionsTakeTheNextArgumentOrTheirOwnValue() {
        assertThat(ArgumentFlags.options(List.of(
                        "--config",
                        "/etc/myfile",
                        "--host=myhost",
                        "--verbose",
                        "-c",
                        "/etc/myfile",
                        "-e",
                        "",
                        "-h=myhost",
                        "-v",
                        "--",
                        "---",
                        "-9")))
                .containsExactlyInAnyOrder("config=/etc/myfile", "c=/etc/myfile", "e=", "host=myhost", "h=myhost");
    }

    @Test
    void aFlagFollowedByAValueIsBothAFlagAndAnOption() {
        // netcat's listener: Datadog's default policy asks for the flags l and p
        List<String> nc = List.of("-l", "-p", "4444");
        assertThat(ArgumentFlags.flags(nc)).containsExactly("l", "p");
        assertThat(ArgumentFlags.options(nc)).containsExactly("p=4444");
    }
}
