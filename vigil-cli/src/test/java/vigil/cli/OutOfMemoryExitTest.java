package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Running out of memory or stack is exit code 3 ("could not read the input"), never 1 ("findings"). */
class OutOfMemoryExitTest {
    @Command(name = "exhausting")
    static final class Exhausting implements Callable<Integer> {
        private final Error error;

        Exhausting(Error error) {
            this.error = error;
        }

        @Override
        public Integer call() {
            throw error;
        }
    }

    private static String run(Error error, int[] code) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Exhausting(error)).setErr(new PrintWriter(err));
        code[0] = Main.execute(commandLine);
        return err.toString();
    }

    @Test
    void outOfMemoryIsAnInputErrorWithAMessage() {
        int[] code = {-1};
        String err = run(new OutOfMemoryError("Java heap space"), code);
        assertThat(code[0]).isEqualTo(ExitCodes.ERROR);
        assertThat(err).contains("vigil: ran out of memory").contains("Java heap space");
    }

    @Test
    void stackOverflowIsAnInputErrorWithAMessage() {
        int[] code = {-1};
        String err = run(new StackOverflowError(), code);
        assertThat(code[0]).isEqualTo(ExitCodes.ERROR);
        assertThat(err).contains("vigil: ran out of stack");
    }
}
