package vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vigil.cli.output.ReportFormat;
import vigil.model.DatabaseInfo;
import vigil.model.Inventory;
import vigil.model.ScanResult;

/** {@code vigil sbom TARGET}: the software bill of materials alone, without matching. */
@Command(
        name = "sbom",
        mixinStandardHelpOptions = true,
        description = {
            "Write the SBOM of a target (no vulnerability matching, no database needed).",
            "  vigil sbom host [DIR] | rootfs DIR | image FILE|DIR  [--format cyclonedx|spdx|json]"
        })
final class SbomCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "host, rootfs or image")
    String kind = "";

    @Parameters(
            index = "1",
            paramLabel = "PATH",
            arity = "0..1",
            description = "Root directory or image (host: default /).")
    @Nullable
    Path path;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            description = "cyclonedx (default), spdx or json.")
    String format = "cyclonedx";

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write to FILE instead of standard output.")
    @Nullable
    Path output;

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "Platform of a multi-platform image.")
    @Nullable
    String platform;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        TargetSpec spec = switch (kind) {
            case "host" -> new TargetSpec.Host(path == null ? Path.of("/") : path);
            case "rootfs" -> new TargetSpec.Rootfs(required());
            case "image" -> new TargetSpec.Image(required(), platform);
            default ->
                throw new UserError("unknown target kind '" + kind + "': use host, rootfs or image", ExitCodes.USAGE);
        };
        ReportFormat chosen;
        try {
            chosen = ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new UserError(String.valueOf(e.getMessage()), ExitCodes.USAGE);
        }
        Inventory inventory = Inventories.of(spec, Clock.systemUTC(), TerminalProgress.forConsole(quiet));
        Inventories.warn(inventory, Console.err());
        ScanResult result = new ScanResult(inventory, List.of(), new DatabaseInfo("none", null, 0));
        switch (chosen) {
            case CYCLONEDX, SPDX -> ReportWriter.write(result, chosen, output);
            case JSON -> {
                if (output == null) {
                    vigil.cli.output.JsonReport.writeTree(
                            vigil.cli.output.JsonReport.inventory(inventory), Console.out());
                    Console.out().println();
                    Console.out().flush();
                } else {
                    try (var writer = java.nio.file.Files.newBufferedWriter(output)) {
                        vigil.cli.output.JsonReport.writeTree(vigil.cli.output.JsonReport.inventory(inventory), writer);
                    }
                }
            }
            case TABLE, SARIF -> throw new UserError("an SBOM is written as cyclonedx, spdx or json", ExitCodes.USAGE);
        }
        return ExitCodes.OK;
    }

    private Path required() {
        if (path == null) {
            throw new UserError("'vigil sbom " + kind + "' needs a path", ExitCodes.USAGE);
        }
        return path;
    }
}
