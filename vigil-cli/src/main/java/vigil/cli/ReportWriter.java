package vigil.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.cli.output.JsonReport;
import vigil.cli.output.ReportFormat;
import vigil.cli.output.SarifReport;
import vigil.cli.output.TableReport;
import vigil.inventory.sbom.CycloneDx;
import vigil.inventory.sbom.Spdx;
import vigil.model.Inventory;
import vigil.model.ScanResult;

/** Writes a scan result in the chosen format to standard output or a file. */
final class ReportWriter {
    private ReportWriter() {}

    static void write(ScanResult result, ReportFormat format, @Nullable Path output) throws IOException {
        if (format == ReportFormat.JSON) {
            writeJson(result, output);
            return;
        }
        if (output == null) {
            PrintWriter out = Console.out();
            // the inventory's warnings were said on standard error (Inventories.warn): a table on the terminal
            // does not repeat them; a table written to a file, and every other format, keeps them
            render(format == ReportFormat.TABLE ? withoutWarnings(result) : result, format, out, Console.colorOut());
            out.flush();
            return;
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream stream = Files.newOutputStream(output);
                Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
                PrintWriter out = new PrintWriter(writer)) {
            render(result, format, out, false);
        }
    }

    /**
     * The JSON report as bytes (ADR 0042), then the line separator that {@code render} ends a report with: the same
     * bytes as rendering it through a UTF-8 {@code PrintWriter}.
     */
    private static void writeJson(ScanResult result, @Nullable Path output) throws IOException {
        byte[] end = System.lineSeparator().getBytes(StandardCharsets.UTF_8);
        if (output == null) {
            Console.out().flush();
            OutputStream stream = new BufferedOutputStream(System.out, 1 << 16);
            JsonReport.write(result, stream);
            stream.write(end);
            stream.flush();
            return;
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream stream = Files.newOutputStream(output)) {
            JsonReport.write(result, stream);
            stream.write(end);
        }
    }

    private static ScanResult withoutWarnings(ScanResult result) {
        Inventory inventory = result.inventory();
        return new ScanResult(
                new Inventory(
                        inventory.target(),
                        inventory.os(),
                        inventory.osSupport(),
                        inventory.packages(),
                        List.of(),
                        inventory.createdAt()),
                result.vulnerabilities(),
                result.database());
    }

    private static void render(ScanResult result, ReportFormat format, PrintWriter out, boolean color) {
        switch (format) {
            case TABLE -> new TableReport(color, terminalWidth(), Instant.now()).write(result, out);
            case JSON -> JsonReport.write(result, out);
            case SARIF -> SarifReport.write(result, VersionCommand.VERSION, out);
            case CYCLONEDX ->
                CycloneDx.write(result.inventory(), result.vulnerabilities(), VersionCommand.VERSION, out);
            case SPDX -> Spdx.write(result.inventory(), VersionCommand.VERSION, out);
        }
        out.println();
        out.flush();
    }

    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        try {
            return columns == null ? 160 : Integer.parseInt(columns.strip());
        } catch (NumberFormatException e) {
            return 160;
        }
    }
}
