package vigil.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import vigil.cli.output.ReportFormat;
import vigil.model.Severity;

/** Options shared by every scan. */
final class ScanOptions {
    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            description = "table (default), json, cyclonedx, spdx or sarif.")
    String format = "table";

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the report to FILE instead of standard output.")
    @Nullable
    Path output;

    @Option(
            names = {"-s", "--severity"},
            paramLabel = "LIST",
            description = "Report only these severities, e.g. CRITICAL,HIGH (default: all).")
    @Nullable
    String severities;

    @Option(names = "--ignore-unfixed", description = "Report only vulnerabilities that have a fixed version.")
    boolean ignoreUnfixed;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            converter = SeverityConverter.class,
            description = "Exit with code 1 when a reported vulnerability is at least this severe.")
    @Nullable
    Severity failOn;

    @Option(
            names = "--send-to",
            paramLabel = "URL",
            description = "After the report, also send the inventory to this Vigil server (intake API key from"
                    + " VIGIL_API_KEY), which matches it, keeps its findings and shows it on its pages. Not"
                    + " delivered, the exit code is 3 unless the report's own is not 0.")
    @Nullable
    String sendTo;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress output.")
    boolean quiet;

    ReportFormat reportFormat() {
        try {
            return ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() == null ? "bad --format" : e.getMessage(), ExitCodes.USAGE);
        }
    }

    ScanPolicy policy() {
        Set<Severity> wanted = EnumSet.noneOf(Severity.class);
        if (severities != null) {
            try {
                wanted = SeverityConverter.parseList(severities);
            } catch (RuntimeException e) {
                throw new UserError("--severity: " + e.getMessage(), ExitCodes.USAGE);
            }
        }
        return new ScanPolicy(wanted, ignoreUnfixed, failOn);
    }
}
