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
        return execute(commandLine(), args);
    }

    /**
     * Runs a command line; running out of memory or stack (a target built to exhaust them, past every limit the
     * readers apply) is an input Vigil could not read: exit code 3 with a message, never the JVM's 1, which CI
     * would take for "vulnerabilities found".
     */
    static int execute(CommandLine commandLine, String... args) {
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            PrintWriter err = commandLine.getErr();
            err.println("vigil: ran out of " + (e instanceof OutOfMemoryError ? "memory" : "stack")
                    + " reading the input (" + describe(e) + "); it is far larger or deeper than any real one, or"
                    + " give Vigil more memory (JAVA_TOOL_OPTIONS=-Xmx...)");
            err.flush();
            return ExitCodes.ERROR;
        }
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
