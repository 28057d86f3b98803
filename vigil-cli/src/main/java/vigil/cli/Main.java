package vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vigil} command. */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Vigil: open-source Cloud Security Management.",
        subcommands = {VersionCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
