package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan's command line is built in code (ADR 0042): from start to report, {@code java -jar vigil-cli.jar scan host}
 * reads no annotation, so the JDK generates no annotation proxy class (which the AOT cache cannot hold).
 */
class ScanStartupIT {
    private static final String RECORD = """
            {"id": "VIGIL-TEST-0002", "aliases": ["CVE-2099-0002"], "modified": "2026-01-01T00:00:00Z",
             "affected": [{"package": {"ecosystem": "Debian:12", "name": "startup-test"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-1"}]}]}]}
            """;
    private static final String STATUS = """
            Package: startup-test
            Status: install ok installed
            Architecture: amd64
            Version: 0.9-1

            """;

    @TempDir
    Path temp;

    private int java(Path output, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + temp.resolve("classes.log"),
                "-jar",
                Path.of("target", "vigil-cli.jar").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(output.toFile())
                .redirectError(temp.resolve("err.txt").toFile())
                .start();
        process.getOutputStream().close();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return process.exitValue();
    }

    @Test
    void aHostScanReadsNoAnnotation() throws Exception {
        Path feed = Files.writeString(temp.resolve("VIGIL-TEST-0002.json"), RECORD);
        Path data = temp.resolve("data");
        assertThat(java(
                        temp.resolve("import.txt"),
                        "db",
                        "import",
                        "-q",
                        "--data-dir",
                        data.toString(),
                        feed.toString()))
                .isZero();
        Path root = temp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
        Files.writeString(root.resolve("var/lib/dpkg/status"), STATUS);

        Path report = temp.resolve("report.json");
        int exitCode = java(
                report,
                "scan",
                "host",
                "--root",
                root.toString(),
                "--offline",
                "-q",
                "--data-dir",
                data.toString(),
                "--format",
                "json");

        assertThat(exitCode).as(Files.readString(temp.resolve("err.txt"))).isZero();
        assertThat(Files.readString(report)).contains("CVE-2099-0002");
        List<String> loaded = Files.readAllLines(temp.resolve("classes.log"), StandardCharsets.UTF_8);
        assertThat(loaded).anySatisfy(line -> assertThat(line).contains("picocli.CommandLine "));
        assertThat(loaded).noneSatisfy(line -> assertThat(line).contains("__dynamic_proxy__"));
    }
}
