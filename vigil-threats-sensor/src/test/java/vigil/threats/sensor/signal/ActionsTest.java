package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kill and hash actions on real processes and files. */
class ActionsTest {
    private final Actions actions = new Actions(Path.of("/proc"), true);

    @Test
    void signalNamesAsRulesWriteThem() {
        assertThat(Actions.signalNumber("SIGKILL")).isEqualTo(9);
        assertThat(Actions.signalNumber("kill")).isEqualTo(9);
        assertThat(Actions.signalNumber("sigterm")).isEqualTo(15);
        assertThat(Actions.signalNumber("9")).isEqualTo(9);
        assertThat(Actions.signalNumber("SIGNOPE")).isEqualTo(-1);
        assertThat(Actions.signalNumber("64")).isEqualTo(-1);
    }

    @Test
    void killSendsTheSignalToTheProcess() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        Signal.ActionResult result = actions.kill(sleeper.pid(), "SIGKILL", "process", null);
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sleeper.exitValue()).as("killed by signal 9").isEqualTo(128 + 9);
        assertThat(result).isEqualTo(new Signal.ActionResult("kill", "done", "SIGKILL sent to " + sleeper.pid()));
        // the process is gone now: said, not hidden
        assertThat(actions.kill(sleeper.pid(), "SIGKILL", "process", null).detail())
                .contains("gone");
    }

    @Test
    void neverKillsInitOrTheAgentAndReportsWithoutEnforcement() throws Exception {
        assertThat(actions.kill(1, "SIGKILL", "process", null).result()).isEqualTo("failed");
        assertThat(actions.kill(ProcessHandle.current().pid(), "SIGKILL", "process", null)
                        .detail())
                .contains("protected");
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Signal.ActionResult dry =
                    new Actions(Path.of("/proc"), false).kill(sleeper.pid(), "SIGKILL", "process", null);
            assertThat(dry.result()).isEqualTo("skipped");
            assertThat(dry.detail()).contains("enforcement off");
            assertThat(sleeper.isAlive()).isTrue();
        } finally {
            sleeper.destroyForcibly();
        }
        assertThat(actions.kill(42, "SIGNOPE", "process", null).result()).isEqualTo("failed");
        assertThat(actions.kill(42, "SIGKILL", "container", null).result()).isEqualTo("skipped");
    }

    @Test
    void hashesTheFileAsTheProcessSeesIt(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("payload"), "not really malware");
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        Signal.ActionResult result = actions.hash(ProcessHandle.current().pid(), file.toString());
        assertThat(result).isEqualTo(new Signal.ActionResult("hash", "done", file + " sha256:" + expected));
        // a process that is gone: the host's file, for a host process; never for a container's
        assertThat(actions.hash(Integer.MAX_VALUE, file.toString()).result()).isEqualTo("done");
        assertThat(actions.hash(Integer.MAX_VALUE, file.toString(), false).detail())
                .isEqualTo(file + ": the process and its container's root are gone");
        assertThat(actions.hash(ProcessHandle.current().pid(), temp.toString()).result())
                .isEqualTo("failed");
        assertThat(actions.hash(ProcessHandle.current().pid(), "relative").result())
                .isEqualTo("skipped");
        Path link = Files.createSymbolicLink(temp.resolve("link"), file);
        assertThat(actions.hash(ProcessHandle.current().pid(), link.toString()).result())
                .as("a final link is not followed")
                .isEqualTo("failed");
    }
}
