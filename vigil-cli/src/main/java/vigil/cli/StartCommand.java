package vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import vigil.agent.run.AgentRunner;
import vigil.model.ProgressListener;
import vigil.server.VigilServer;
import vigil.server.auth.Accounts;
import vigil.server.auth.ApiKeyScope;
import vigil.vulndb.store.AdvisoryStore;

/**
 * {@code vigil start}: the server on its embedded store and an agent for this machine, in one process, with the
 * advisory database fetched in the background when there is none.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start Vigil on this machine: the server (embedded SQLite store) and an agent reporting this host.",
            "Prints the URL and, on the first start, an administrator's credentials."
        })
final class StartCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: 8700).")
    int port = 8700;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: 127.0.0.1).")
    String host = "127.0.0.1";

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path dataDirectory = data.resolve();
        VigilServer server;
        try {
            server = VigilServer.start(new VigilServer.Options(dataDirectory, null, host, port), Clock.systemUTC());
        } catch (IOException e) {
            throw new UserError(
                    e.getMessage() + " (is Vigil already running? 'vigil start --port N' picks another port)",
                    ExitCodes.ERROR);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        PrintWriter out = Console.out();
        URI url = URI.create("http://" + host + ":" + server.port());
        out.println("Vigil is running at " + url + " (data: " + dataDirectory + "; stop with Ctrl-C)");
        ServerCommand.printBootstrap(server, dataDirectory, out);
        out.flush();

        String key = localAgentKey(server, dataDirectory);
        Map<String, String> environment = new HashMap<>(System.getenv());
        // This process runs on the machine it reports, like an agent installed on a Linux host.
        environment.putIfAbsent("VIGIL_DEPLOYMENT", "linux");
        List<vigil.agent.collect.Collector> collectors = new ArrayList<>();
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            collectors.add(AgentCommand.hostChecks(Duration.ofHours(1), line -> {
                out.println(line);
                out.flush();
            }));
        }
        AgentRunner agent = AgentCommand.runner(
                dataDirectory, url, key, environment, AgentCommand.Run.DEFAULT_SPOOL_MAX, collectors);
        if (!AdvisoryStore.exists(AdvisoryStore.fileIn(dataDirectory)) && !data.offline) {
            Thread.ofVirtual().start(() -> fetchDatabase(dataDirectory, server, out));
        } else if (!AdvisoryStore.exists(AdvisoryStore.fileIn(dataDirectory))) {
            out.println("No advisory database: packages are shown, vulnerabilities once one is imported.\n"
                    + AdvisoryDatabases.howToImport(dataDirectory));
        }
        long lastInventory = 0;
        while (true) {
            boolean inventory = lastInventory == 0
                    || System.nanoTime() - lastInventory > Duration.ofHours(1).toNanos();
            AgentRunner.Cycle cycle = agent.cycle(inventory);
            if (inventory) {
                lastInventory = System.nanoTime();
                out.println(AgentCommand.describe(cycle));
                out.flush();
            }
            Thread.sleep(Duration.ofMinutes(1));
        }
    }

    private static void fetchDatabase(Path dataDirectory, VigilServer server, PrintWriter out) {
        out.println("No advisory database yet: downloading it in the background (packages are shown meanwhile)...");
        out.flush();
        try {
            AdvisoryDatabases.update(dataDirectory, null, ProgressListener.NONE);
            int findings = server.reevaluate();
            out.println("Advisory database ready; " + findings + " vulnerabilities found on the known hosts.");
        } catch (IOException | RuntimeException e) {
            out.println("Could not download the advisory database: " + e.getMessage() + "\n"
                    + AdvisoryDatabases.howToImport(dataDirectory)
                    + "\nThe server picks the database up within a minute of the import.");
        }
        out.flush();
    }

    /** The intake key of this machine's agent: made once, kept in the data directory, readable only by its owner. */
    private static String localAgentKey(VigilServer server, Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve("agent").resolve("api-key");
        if (Files.isRegularFile(file)) {
            return Files.readString(file).strip();
        }
        VigilServer.Bootstrap first = server.bootstrap();
        String key;
        if (first != null) {
            key = first.intakeKey();
        } else {
            Accounts accounts = new Accounts(server.database().jdbi(), Clock.systemUTC());
            String org = accounts.organizationNamed("default")
                    .orElseThrow(() -> new UserError(
                            "the store has no organization 'default' for this machine's agent; run 'vigil agent run'"
                                    + " with an API key instead",
                            ExitCodes.ERROR));
            key = accounts.createApiKey(org, "local agent", ApiKeyScope.INTAKE).token();
        }
        Files.createDirectories(file.getParent());
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key + "\n");
        return key;
    }
}
