package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the command line says before a command runs: help, usage errors, the conversion of option values, and their
 * exit codes, for the commands whose tree is built in code and a few built from annotations beside them. The text
 * is compared with {@code command-line-text.txt}, recorded from the annotated tree before the scan commands were
 * built in code (ADR 0042); {@code -Dvigil.recordCommandLineText=true} writes it again.
 */
class CommandLineTextTest {
    private static final Path RECORDED = Path.of("src/test/resources/vigil/cli/command-line-text.txt");

    private static final List<List<String>> COMMAND_LINES = List.of(
            List.of("--help"),
            List.of("-h"),
            List.of("-V"),
            List.of(),
            List.of("help"),
            List.of("help", "scan"),
            List.of("help", "scan", "host"),
            List.of("help", "sbom"),
            List.of("bogus"),
            List.of("scn"),
            List.of("--bogus"),
            List.of("scan", "--help"),
            List.of("scan", "-h"),
            List.of("scan", "-V"),
            List.of("scan"),
            List.of("scan", "--offline"),
            List.of("scan", "--bogus"),
            List.of("scan", "bogus"),
            List.of("scan", "--sbom"),
            List.of("scan", "host", "--help"),
            List.of("scan", "host", "-h"),
            List.of("scan", "host", "--version"),
            List.of("scan", "host", "--bogus"),
            List.of("scan", "host", "extra"),
            List.of("scan", "host", "--root"),
            List.of("scan", "host", "--fail-on", "bogus"),
            List.of("scan", "host", "--fail-on"),
            List.of("scan", "host", "-q", "-q"),
            List.of("scan", "host", "--format", "json", "--format", "table"),
            List.of("scan", "host", "--offline", "--data-dir"),
            List.of("scan", "host", "--data-dir", "/nonexistent/vigil-test", "--severity", "bogus"),
            List.of("scan", "host", "--data-dir", "/nonexistent/vigil-test", "--format", "yaml"),
            List.of("scan", "host", "--quiet=true", "--help"),
            List.of("scan", "host", "-qf"),
            List.of("scan", "rootfs", "--help"),
            List.of("scan", "rootfs"),
            List.of("scan", "rootfs", "a", "b"),
            List.of("scan", "rootfs", "-V"),
            List.of("scan", "image", "--help"),
            List.of("scan", "image"),
            List.of("scan", "image", "x", "--platform"),
            List.of("sbom", "--help"),
            List.of("db", "--help"),
            List.of("db", "import", "--help"),
            List.of("db", "status", "--bogus"),
            List.of("version", "--help"),
            List.of("agent", "--help"),
            List.of("server", "--help"),
            List.of("start", "--help"),
            List.of("rules", "--help"),
            List.of("threats", "--help"),
            List.of("threats", "watch", "--help"));

    /** One command line's exit code, standard output and standard error as picocli's writers received them. */
    private static String run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] array = args.toArray(String[]::new);
        CommandLine commandLine = Main.commandLine(array);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int code = Main.execute(commandLine, array);
        return "$ vigil " + String.join(" ", args) + "\nexit " + code + "\n--- out\n" + out + "--- err\n" + err
                + "---\n\n";
    }

    private static String all() {
        StringBuilder text = new StringBuilder();
        COMMAND_LINES.forEach(args -> text.append(run(args)));
        return text.toString();
    }

    @Test
    void helpUsageErrorsAndExitCodesAreAsRecorded() throws IOException {
        String text = all();
        if (Boolean.getBoolean("vigil.recordCommandLineText")) {
            Files.writeString(RECORDED, text, StandardCharsets.UTF_8);
        }
        assertThat(text).isEqualTo(Files.readString(RECORDED, StandardCharsets.UTF_8));
    }
}
