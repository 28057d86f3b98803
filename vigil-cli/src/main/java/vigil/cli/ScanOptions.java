package vigil.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import vigil.cli.output.ReportFormat;
import vigil.model.Severity;

/** Options shared by every scan, built in code ({@link CommandSpecs}); their values once parsed. */
final class ScanOptions {
    private final OptionSpec format = CommandSpecs.option(
            String.class, "table", "FORMAT", "table (default), json, cyclonedx, spdx or sarif.", "-f", "--format");
    private final OptionSpec output = CommandSpecs.option(
            Path.class, null, "FILE", "Write the report to FILE instead of standard output.", "-o", "--output");
    private final OptionSpec severities = CommandSpecs.option(
            String.class,
            null,
            "LIST",
            "Report only these severities, e.g. CRITICAL,HIGH (default: all).",
            "-s",
            "--severity");
    private final OptionSpec ignoreUnfixed = CommandSpecs.flag(
            "ignoreUnfixed", "Report only vulnerabilities that have a fixed version.", "--ignore-unfixed");
    private final OptionSpec failOn = CommandSpecs.converted(
            Severity.class,
            new SeverityConverter(),
            "SEVERITY",
            "Exit with code 1 when a reported vulnerability is at least this severe.",
            "--fail-on");
    private final OptionSpec sendTo = CommandSpecs.option(
            String.class,
            null,
            "URL",
            "After the report, also send the inventory to this Vigil server (intake API key from"
                    + " VIGIL_API_KEY), which matches it, keeps its findings and shows it on its pages. Not"
                    + " delivered, the exit code is 3 unless the report's own is not 0.",
            "--send-to");
    private final OptionSpec quiet = CommandSpecs.flag("quiet", "No progress output.", "-q", "--quiet");

    /** The options as the mixin a command adds (in the order of the fields they were declared on). */
    CommandSpec mixin() {
        CommandSpec mixin = CommandSpec.create();
        for (OptionSpec option : new OptionSpec[] {format, output, severities, ignoreUnfixed, failOn, sendTo, quiet}) {
            mixin.addOption(option);
        }
        return mixin;
    }

    ReportFormat reportFormat() {
        String name = format.getValue();
        try {
            return ReportFormat.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() == null ? "bad --format" : e.getMessage(), ExitCodes.USAGE);
        }
    }

    @Nullable
    Path output() {
        return output.getValue();
    }

    @Nullable
    String sendTo() {
        return sendTo.getValue();
    }

    boolean quiet() {
        return quiet.<Boolean>getValue();
    }

    ScanPolicy policy() {
        Set<Severity> wanted = EnumSet.noneOf(Severity.class);
        String list = severities.getValue();
        if (list != null) {
            try {
                wanted = SeverityConverter.parseList(list);
            } catch (RuntimeException e) {
                throw new UserError("--severity: " + e.getMessage(), ExitCodes.USAGE);
            }
        }
        return new ScanPolicy(wanted, ignoreUnfixed.<Boolean>getValue(), failOn.getValue());
    }
}
