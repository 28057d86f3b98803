package vigil.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vigil} command. */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Vigil: open-source Cloud Security Management.",
        subcommands = {
            ScanCommand.class,
            SbomCommand.class,
            DbCommand.class,
            AgentCommand.class,
            ServerCommand.class,
            StartCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    public static void main(String[] args) {
        int code = run(args);
        Console.out().flush();
        System.exit(code);
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(Console.out());
        commandLine.setErr(Console.err());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            PrintWriter err = line.getErr();
            if (exception instanceof UserError userError) {
                err.println("vigil: " + userError.getMessage());
                return userError.exitCode();
            }
            err.println("vigil: " + describe(exception));
            if (System.getenv("VIGIL_DEBUG") != null) {
                exception.printStackTrace(err);
            } else {
                err.println("(set VIGIL_DEBUG=1 to see the stack trace)");
            }
            return ExitCodes.ERROR;
        });
        return commandLine;
    }

    private static String describe(Throwable exception) {
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.getClass().getSimpleName() : message;
    }
}
