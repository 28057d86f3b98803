package vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vigil.vulndb.DatabaseImporter;
import vigil.vulndb.store.AdvisoryStore;

/** {@code vigil db}: the advisory database. */
@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        description = "Manage the advisory database.",
        subcommands = {DbCommand.Import.class, DbCommand.Update.class, DbCommand.Status.class})
final class DbCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("use 'vigil db import', 'vigil db update' or 'vigil db status'", ExitCodes.USAGE);
    }

    private static void report(DatabaseImporter.Result result, Path database) {
        PrintWriter err = Console.err();
        int shown = 0;
        for (String warning : result.warnings()) {
            if (shown++ < 20) {
                err.println("warning: " + warning);
            }
        }
        if (result.warnings().size() > 20) {
            err.println("... and " + (result.warnings().size() - 20) + " more warnings");
        }
        Console.out()
                .println("Imported " + result.advisories() + " advisories from " + result.documentsByParser() + " into "
                        + database);
        Console.out().flush();
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Import advisory files: OSV JSON (files, directories, all.zip dumps) and vendor feeds.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "Files, directories or archives to import.")
        List<Path> inputs = new ArrayList<>();

        @Option(names = "--replace", description = "Replace the database instead of adding to it.")
        boolean replace;

        @Option(
                names = {"-q", "--quiet"},
                description = "No progress bar.")
        boolean quiet;

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws IOException {
            Path database = AdvisoryStore.fileIn(data.resolve());
            DatabaseImporter importer = new DatabaseImporter(DatabaseImporter.defaultParsers(), Clock.systemUTC());
            try {
                report(importer.importInto(database, inputs, !replace, TerminalProgress.forConsole(quiet)), database);
            } catch (IOException e) {
                throw new UserError(
                        "import failed: " + e.getMessage() + " (the previous database is unchanged)", ExitCodes.ERROR);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "update",
            mixinStandardHelpOptions = true,
            description =
                    "Download the advisory feeds (public OSV dumps and vendor feeds, or a mirror) and rebuild the database.")
    static final class Update implements Callable<Integer> {
        @Option(
                names = "--mirror",
                paramLabel = "URL",
                description = "A plain HTTP mirror with the same layout as the public sources.")
        @Nullable
        URI mirror;

        @Option(
                names = {"-q", "--quiet"},
                description = "No progress bar.")
        boolean quiet;

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() {
            if (data.offline) {
                throw new UserError(
                        "'vigil db update' downloads; it cannot run with --offline. Use 'vigil db import'.",
                        ExitCodes.USAGE);
            }
            Path database = AdvisoryStore.fileIn(data.resolve());
            try {
                report(AdvisoryDatabases.update(data.resolve(), mirror, TerminalProgress.forConsole(quiet)), database);
            } catch (IOException e) {
                throw new UserError("update failed: " + e.getMessage(), ExitCodes.ERROR);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show sources, counts and build time.")
    static final class Status implements Callable<Integer> {
        @Option(
                names = {"-f", "--format"},
                paramLabel = "FORMAT",
                description = "table (default) or json.")
        String format = "table";

        @Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() throws IOException {
            Path file = AdvisoryStore.fileIn(data.resolve());
            if (!AdvisoryStore.exists(file)) {
                throw new UserError(
                        "there is no advisory database in " + data.resolve() + ".\n"
                                + "Run 'vigil db update', or 'vigil db import FILE|DIR' without internet access.",
                        ExitCodes.ERROR);
            }
            try (AdvisoryStore store = AdvisoryStore.open(file)) {
                AdvisoryStore.Status status = store.status();
                PrintWriter out = Console.out();
                if (format.equals("json")) {
                    JsonMapper json = JsonMapper.builder().build();
                    ObjectNode node = json.createObjectNode();
                    node.put("path", status.file().toString());
                    node.put("schemaVersion", status.schemaVersion());
                    node.put(
                            "builtAt",
                            status.builtAt() == null ? null : status.builtAt().toString());
                    node.put("advisories", status.advisories());
                    ObjectNode sources = node.putObject("sources");
                    status.advisoriesBySource().forEach(sources::put);
                    ObjectNode ecosystems = node.putObject("ecosystems");
                    status.packagesByEcosystem().forEach(ecosystems::put);
                    out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(node));
                } else {
                    out.println("Database:   " + status.file());
                    out.println("Built:      " + status.builtAt());
                    out.println("Schema:     " + status.schemaVersion());
                    out.println("Advisories: " + status.advisories());
                    out.println();
                    out.println("SOURCE            ADVISORIES");
                    for (Map.Entry<String, Long> entry :
                            status.advisoriesBySource().entrySet()) {
                        out.printf("%-17s %10d%n", entry.getKey(), entry.getValue());
                    }
                    out.println();
                    out.println("ECOSYSTEM                 AFFECTED PACKAGES");
                    for (Map.Entry<String, Long> entry :
                            status.packagesByEcosystem().entrySet()) {
                        out.printf("%-25s %17d%n", entry.getKey(), entry.getValue());
                    }
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
