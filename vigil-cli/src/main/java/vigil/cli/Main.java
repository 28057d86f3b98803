package vigil.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point of the {@code vigil} command. */
public final class Main {
    /** The subcommands in the order help lists them; see {@link #subcommandsFor}. */
    static final List<String> SUBCOMMANDS =
            List.of("scan", "sbom", "db", "rules", "threats", "agent", "server", "start", "version", "help");

    /** The commands that run for long and log through SLF4J (logback); the others print their own messages. */
    private static final List<String> LOGGING = List.of("server", "start", "agent");

    private Main() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // answered before picocli reads a single annotation: scripts ask this often and expect it instantly
            System.out.println(VersionCommand.Provider.TEXT);
            System.out.flush();
            return;
        }
        if (args.length == 0 || !LOGGING.contains(args[0])) {
            withoutLibraryLogging();
        }
        withoutGroovyClosures();
        int code = run(args);
        Console.out().flush();
        System.exit(code);
    }

    /**
     * A short command skips logback's start-up (a few hundred classes and its XML configuration) by naming SLF4J's
     * no-op provider, and silences SLF4J's own report that it was named, which it prints at INFO on stderr. Set in
     * {@code main} only, so tests that run commands in their JVM keep its logging.
     */
    private static void withoutLibraryLogging() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /**
     * picocli's default factory looks for Groovy's {@code Closure} class the first time it is used (annotations may
     * hold Groovy closures). Vigil has no Groovy, and to say that a class is missing the application class loader
     * opens and indexes every jar of the class path: about 90 in the distribution, 50 ms of every command (ADR 0042).
     * Vigil's annotations hold no closures; picocli's own switch turns the look-up off.
     */
    private static void withoutGroovyClosures() {
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }

    public static int run(String... args) {
        return execute(commandLine(args), args);
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

    /** The whole command tree, as help shows it. */
    static CommandLine commandLine() {
        return commandLine(new String[] {"help"});
    }

    /** The command tree that {@code args} need; see {@link #subcommandsFor}. */
    static CommandLine commandLine(String... args) {
        CommandLine commandLine = new CommandLine(root());
        for (String name : subcommandsFor(args)) {
            commandLine.addSubcommand(subcommand(name));
        }
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

    /**
     * {@code vigil} itself, built in code like the scan commands ({@link CommandSpecs}): it runs nothing, so picocli
     * answers a command line without a subcommand with "Missing required subcommand" and the usage.
     */
    private static CommandSpec root() {
        CommandSpec spec = CommandSpec.create().name("vigil").versionProvider(new VersionCommand.Provider());
        spec.usageMessage().description("Vigil: open-source Cloud Security Management.");
        CommandSpecs.addStandardHelpOptions(spec);
        return spec;
    }

    /**
     * The subcommands picocli has to build for {@code args}. Building one reads its annotations and those of its
     * own subcommands and loads every class their fields name (the server's, the agent's, the advisory store's),
     * which made {@code vigil --version} load the whole tree. A command line that starts with a subcommand gets
     * only that one; {@code --version} none; anything else (help, no arguments, a mistyped name, for which
     * picocli lists or suggests the subcommands) all of them.
     */
    static List<String> subcommandsFor(String... args) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0]) && !args[0].equals("help")) {
            return List.of(args[0]);
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        return SUBCOMMANDS;
    }

    /** A new instance of the subcommand {@code name}; only its own class is loaded. */
    private static Object subcommand(String name) {
        return switch (name) {
            case "scan" -> ScanCommand.spec();
            case "sbom" -> new SbomCommand();
            case "db" -> new DbCommand();
            case "rules" -> new RulesCommand();
            case "threats" -> new ThreatsCommand();
            case "agent" -> new AgentCommand();
            case "server" -> new ServerCommand();
            case "start" -> new StartCommand();
            case "version" -> new VersionCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    private static String describe(Throwable exception) {
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.getClass().getSimpleName() : message;
    }
}
