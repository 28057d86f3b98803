package vigil.agent.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a program for its output (a runtime's {@code --version}); tests give a script instead. */
@FunctionalInterface
public interface CommandRunner {
    /** The program's standard output, or empty when it is missing, fails or takes longer than the timeout. */
    Optional<String> run(List<String> command, Duration timeout);

    static CommandRunner system() {
        return (command, timeout) -> {
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    return Optional.empty();
                }
                String out = new String(process.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
                return process.exitValue() == 0 ? Optional.of(out) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        };
    }
}
