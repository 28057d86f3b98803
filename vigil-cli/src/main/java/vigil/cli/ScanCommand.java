package vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import vigil.cli.output.ReportFormat;
import vigil.model.DatabaseInfo;
import vigil.model.Inventory;
import vigil.model.OperatingSystem;
import vigil.model.OsFamily;
import vigil.model.OsSupport;
import vigil.model.PackageVulnerability;
import vigil.model.ProgressListener;
import vigil.model.ScanResult;
import vigil.vulndb.Ecosystems;
import vigil.vulndb.match.VulnerabilityMatcher;
import vigil.vulndb.store.AdvisoryStore;

/**
 * {@code vigil scan}: find the vulnerable OS packages of a host, root filesystem, image or SBOM. Built in code, not
 * from picocli's annotations, like every command a scan passes through ({@link CommandSpecs}, ADR 0042).
 */
final class ScanCommand {
    private ScanCommand() {}

    /** {@code scan} and its subcommands {@code host}, {@code rootfs} and {@code image}. */
    static CommandSpec spec() {
        OptionSpec sbom =
                CommandSpecs.option(Path.class, null, "FILE", "Scan the packages of a CycloneDX SBOM.", "--sbom");
        ScanOptions options = new ScanOptions();
        DataDirOption.Specs data = DataDirOption.Specs.create();
        CommandSpec scan = scanCommand(
                "scan",
                () -> {
                    Path file = sbom.getValue();
                    if (file == null) {
                        throw new UserError(
                                "say what to scan: 'vigil scan host', 'vigil scan rootfs DIR', 'vigil scan image FILE'"
                                        + " or 'vigil scan --sbom FILE' (see 'vigil scan --help')",
                                ExitCodes.USAGE);
                    }
                    return run(new TargetSpec.Sbom(file), options, data.values());
                },
                options,
                data,
                new String[] {
                    "Find vulnerable OS packages.",
                    "  vigil scan host [--root DIR]     the live host (or a host's root mounted elsewhere)",
                    "  vigil scan rootfs DIR            an unpacked root filesystem",
                    "  vigil scan image FILE|DIR        a docker save archive or an OCI image layout (directory or tar)",
                    "  vigil scan --sbom FILE           an existing CycloneDX SBOM",
                    "  vigil scan config host           misconfigurations of this host"
                },
                sbom);
        scan.addSubcommand("host", new CommandLine(host()));
        scan.addSubcommand("rootfs", new CommandLine(rootfs()));
        scan.addSubcommand("image", new CommandLine(image()));
        scan.addSubcommand("config", new CommandLine(ScanConfigCommand.spec()));
        return scan;
    }

    private static CommandSpec host() {
        OptionSpec root = CommandSpecs.option(
                Path.class, Path.of("/"), "DIR", "The host's root directory (default: /).", "--root");
        ScanOptions options = new ScanOptions();
        DataDirOption.Specs data = DataDirOption.Specs.create();
        return scanCommand(
                "host",
                () -> run(new TargetSpec.Host(root.getValue()), options, data.values()),
                options,
                data,
                new String[] {"Scan this host (or a host root mounted elsewhere)."},
                root);
    }

    private static CommandSpec rootfs() {
        PositionalParamSpec directory =
                CommandSpecs.parameter(Path.class, Path.of("."), "DIR", "The root filesystem directory.");
        ScanOptions options = new ScanOptions();
        DataDirOption.Specs data = DataDirOption.Specs.create();
        CommandSpec rootfs = scanCommand(
                "rootfs",
                () -> run(new TargetSpec.Rootfs(directory.getValue()), options, data.values()),
                options,
                data,
                new String[] {"Scan an unpacked root filesystem."});
        rootfs.addPositional(directory);
        return rootfs;
    }

    private static CommandSpec image() {
        PositionalParamSpec image =
                CommandSpecs.parameter(Path.class, Path.of("."), "FILE|DIR", "The image archive or layout.");
        OptionSpec platform = CommandSpecs.option(
                String.class,
                null,
                "OS/ARCH",
                "Platform to pick from a multi-platform image (default: linux/amd64).",
                "--platform");
        ScanOptions options = new ScanOptions();
        DataDirOption.Specs data = DataDirOption.Specs.create();
        CommandSpec command = scanCommand(
                "image",
                () -> run(new TargetSpec.Image(image.getValue(), platform.getValue()), options, data.values()),
                options,
                data,
                new String[] {
                    "Scan a container image: a docker save archive, or an OCI image layout (directory or tar)."
                },
                platform);
        command.addPositional(image);
        return command;
    }

    /**
     * A scan command as its annotated class declared it: its own options, then the mixins {@code options} and
     * {@code data}, then {@code mixinStandardHelpOptions}.
     */
    private static CommandSpec scanCommand(
            String name,
            Callable<Integer> call,
            ScanOptions options,
            DataDirOption.Specs data,
            String[] description,
            OptionSpec... own) {
        CommandSpec spec = CommandSpecs.command(name, call, description);
        for (OptionSpec option : own) {
            spec.addOption(option);
        }
        spec.addMixin("options", options.mixin());
        CommandSpec dataMixin = CommandSpec.create();
        dataMixin.addOption(data.dataDir());
        dataMixin.addOption(data.offline());
        spec.addMixin("data", dataMixin);
        CommandSpecs.addStandardHelpOptions(spec);
        return spec;
    }

    static int run(TargetSpec spec, ScanOptions options, DataDirOption data) throws IOException {
        options.reportFormat();
        ScanPolicy policy = options.policy();
        ProgressListener progress = TerminalProgress.forConsole(options.quiet());
        // the file lists only go where a report or a server reads them: an SBOM format, or --send-to
        ReportFormat format = options.reportFormat();
        boolean fileLists = format == ReportFormat.CYCLONEDX || format == ReportFormat.SPDX || options.sendTo() != null;
        Path dataDirectory = data.resolve();
        ScanResult result;
        Inventory inventory;
        try (AdvisoryConnections.Opening opening = AdvisoryConnections.start(dataDirectory)) {
            inventory = Inventories.of(spec, Clock.systemUTC(), progress, fileLists);
            Inventories.warn(inventory, Console.err());
            try (AdvisoryConnections connections = opening.take(dataDirectory, data.offline, progress, Console.err())) {
                AdvisoryStore store = connections.first();
                AdvisoryStore.Status status = store.summary();
                inventory = withAdvisoryCoverage(inventory, ecosystem -> {
                    try {
                        return store.covers(ecosystem);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                VulnerabilityMatcher.Result matched =
                        new VulnerabilityMatcher(connections.stores()).matchWithWarnings(inventory);
                List<PackageVulnerability> matches = matched.vulnerabilities();
                Inventory reported = inventory;
                if (!matched.warnings().isEmpty()) {
                    Inventories.warn(matched.warnings(), Console.err());
                    // versions matching could not order with confidence: the report says so beside the read warnings
                    // (not sent with --send-to: the server matches the inventory itself)
                    List<String> warnings = new java.util.ArrayList<>(inventory.warnings());
                    warnings.addAll(matched.warnings());
                    reported = new Inventory(
                            inventory.target(),
                            inventory.os(),
                            inventory.osSupport(),
                            inventory.packages(),
                            warnings,
                            inventory.createdAt());
                }
                result = new ScanResult(
                        reported,
                        matches,
                        new DatabaseInfo(store.file().toString(), status.builtAt(), status.advisories()));
            }
        }
        ScanResult filtered = policy.apply(result);
        ReportWriter.write(filtered, options.reportFormat(), options.output());
        int exitCode = policy.exitCode(filtered);
        String sendTo = options.sendTo();
        if (sendTo != null && !send(sendTo, inventory, data)) {
            return exitCode == ExitCodes.OK ? ExitCodes.ERROR : exitCode;
        }
        return exitCode;
    }

    /**
     * Sends the inventory after the local report, as this machine's agent would (same identity and facts), and says
     * on standard error how it went: the report stands either way, and a failed delivery turns a clean exit code
     * into {@link ExitCodes#ERROR}, so a pipeline notices.
     */
    private static boolean send(String server, Inventory inventory, DataDirOption data) throws IOException {
        String key = System.getenv("VIGIL_API_KEY");
        if (key == null || key.isBlank()) {
            throw new UserError(
                    "--send-to needs an intake API key in the environment variable VIGIL_API_KEY", ExitCodes.USAGE);
        }
        java.net.URI url = AgentCommand.Run.serverUrl(server);
        vigil.agent.run.BatchMaker.Batch batch =
                AgentCommand.batchMaker(data.resolve(), System.getenv()).make(false, List.of(inventory));
        java.io.PrintWriter err = Console.err();
        String problem;
        try {
            vigil.agent.run.Uploader.Delivery delivery =
                    AgentCommand.uploader(url, key.strip()).send(batch.batchId(), batch.gzipped());
            if (delivery.delivered()) {
                err.println("sent the inventory of " + inventory.target().name() + " to " + server + " (batch "
                        + batch.batchId() + ")");
                err.flush();
                return true;
            }
            problem = "the server answered " + delivery.status() + ": " + delivery.body()
                    + (delivery.status() == 401 ? " (check VIGIL_API_KEY)" : "");
        } catch (IOException e) {
            problem = "cannot reach it (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        err.println("vigil: the inventory was not sent to " + server + ": " + problem
                + "; the report above stands, run the scan again to send it");
        err.flush();
        return false;
    }

    /**
     * A supported OS whose ecosystem the database holds nothing for cannot be checked: say so instead of reporting
     * zero vulnerabilities (Amazon Linux before its ALAS pages are imported, a database imported from one dump).
     */
    static Inventory withAdvisoryCoverage(Inventory inventory, java.util.function.Predicate<String> covered) {
        OperatingSystem os = inventory.os();
        if (os == null || !inventory.osSupport().scannable()) {
            return inventory;
        }
        List<String> ecosystems = Ecosystems.forOs(os);
        if (ecosystems.stream().anyMatch(covered)) {
            return inventory;
        }
        String wanted = ecosystems.isEmpty() ? os.prettyName() : String.join(", ", ecosystems);
        String how = os.family() == OsFamily.AMAZON
                ? "Amazon Linux advisories are not downloadable in bulk: mirror the ALAS pages"
                        + " (https://alas.aws.amazon.com) or vuln-list's amazon directory and run 'vigil db import DIR'"
                : "run 'vigil db update', or 'vigil db import' the feed for it";
        return new Inventory(
                inventory.target(),
                os,
                new OsSupport(
                        OsSupport.Level.NO_ADVISORIES,
                        "the advisory database has no advisories for " + wanted + ", so nothing could be found; "
                                + how),
                inventory.packages(),
                inventory.warnings(),
                inventory.createdAt());
    }
}
