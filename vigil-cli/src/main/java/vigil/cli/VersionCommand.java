package vigil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code vigil version}: the version of this build; {@code vigil version compare}: order two versions. */
@Command(
        name = "version",
        description = "Print Vigil's version, or compare package versions (see 'vigil version compare --help').",
        mixinStandardHelpOptions = true,
        subcommands = {VersionCompareCommand.class})
final class VersionCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0-SNAPSHOT";

    @Override
    public Integer call() {
        Console.out().println(Provider.TEXT);
        Console.out().flush();
        return ExitCodes.OK;
    }

    static final class Provider implements IVersionProvider {
        static final String TEXT = "vigil " + VERSION;

        @Override
        public String[] getVersion() {
            return new String[] {TEXT};
        }
    }
}
