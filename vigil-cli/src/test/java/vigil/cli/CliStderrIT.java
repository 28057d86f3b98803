package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the built CLI writes on standard error, run as a user runs it: through the {@code ./vigil} launcher, or as
 * {@code java -jar vigil-cli.jar}. Standard error carries Vigil's own messages and warnings, nothing from the
 * libraries it uses.
 */
class CliStderrIT {
    private static final String RECORD = """
            {"id": "VIGIL-TEST-0001", "aliases": ["CVE-2099-0001"], "modified": "2026-01-01T00:00:00Z",
             "affected": [{"package": {"ecosystem": "Debian:12", "name": "stderr-test"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-1"}]}]}]}
            """;
    private static final String STATUS = """
            Package: stderr-test
            Status: install ok installed
            Architecture: amd64
            Version: 0.9-1

            """;

    @TempDir
    static Path temp;

    private static Path data;
    private static Path root;

    record Run(int exitCode, String out, String err) {}

    private static Run run(Map<String, String> environment, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s ended", command).isTrue();
        return new Run(process.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    /** {@code ./vigil ARGS} from the repository root, without recording the AOT cache (a 20 s training run). */
    private static Run launcher(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("vigil.repo"), "vigil").toString());
        command.addAll(List.of(args));
        return run(Map.of("JAVA_HOME", System.getProperty("java.home"), "VIGIL_AOT", "0"), command);
    }

    /** {@code java -jar target/vigil-cli.jar ARGS}. */
    private static Run jar(String... args) throws Exception {
        List<String> command = BuiltJar.command(args);
        return run(Map.of(), command);
    }

    @BeforeAll
    static void prepare() throws Exception {
        Path feed = Files.writeString(temp.resolve("VIGIL-TEST-0001.json"), RECORD);
        data = temp.resolve("data");
        Run imported = jar("db", "import", "--quiet", "--data-dir", data.toString(), feed.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        root = temp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
        Files.writeString(root.resolve("var/lib/dpkg/status"), STATUS);
    }

    /** {@code --version} is answered before picocli starts (issue 10's start-up target): the same text as the rest. */
    @Test
    void everyWayToAskTheVersionAnswersAlike() throws Exception {
        for (List<String> args : List.of(List.of("--version"), List.of("-V"), List.of("version"))) {
            Run direct = jar(args.toArray(String[]::new));
            assertThat(direct.exitCode()).as("java -jar vigil-cli.jar %s", args).isZero();
            assertThat(direct.out()).as("java -jar vigil-cli.jar %s", args).isEqualTo("vigil 0.1.0-SNAPSHOT\n");
            assertThat(direct.err()).isEmpty();
        }
    }

    /** Issue 10: every run printed {@code SLF4J(I): Attempting to load provider ...} (the launcher named one). */
    @Test
    void theLauncherPrintsNothingOfSlf4jOrLogback() throws Exception {
        List<List<String>> commands = List.of(
                List.of("--version"),
                List.of("db", "status", "--data-dir", data.toString()),
                List.of(
                        "scan",
                        "rootfs",
                        root.toString(),
                        "--offline",
                        "-q",
                        "--data-dir",
                        data.toString(),
                        "--format",
                        "json"),
                List.of("sbom", "rootfs", root.toString(), "-q"));
        for (List<String> args : commands) {
            Run launched = launcher(args.toArray(String[]::new));
            assertThat(launched.exitCode())
                    .as("./vigil %s: %s", args, launched.err())
                    .isZero();
            assertThat(launched.err()).as("standard error of ./vigil %s", args).isEmpty();
            Run direct = jar(args.toArray(String[]::new));
            assertThat(direct.err())
                    .as("standard error of java -jar vigil-cli.jar %s", args)
                    .isEmpty();
        }
        assertThat(launcher("scan", "rootfs", root.toString(), "--offline", "-q", "--data-dir", data.toString())
                        .out())
                .contains("CVE-2099-0001");
    }

    /**
     * Issue 10: {@code vigil sbom image} dropped an entry that would leave the image root without a word, and
     * {@code vigil scan image} warned only inside its report.
     */
    @Test
    void entriesThatWouldLeaveTheImageRootAreWarnedOfOnStandardError() throws Exception {
        Path image = TestRootfs.dockerArchive(
                temp.resolve("escaping.tar"),
                "escaping:1",
                List.of(layer(Map.of(
                        "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n",
                        "var/lib/dpkg/status", STATUS,
                        "../../escaped", "x"))));
        String warning = "entry '../../escaped' would leave the image root; refused";

        for (String format : List.of("cyclonedx", "spdx", "json")) {
            Run sbom = jar("sbom", "image", image.toString(), "-q", "--format", format);
            assertThat(sbom.exitCode()).as(sbom.err()).isZero();
            assertThat(sbom.err().lines())
                    .as("sbom --format %s", format)
                    .anySatisfy(line ->
                            assertThat(line).startsWith("warning: layer ").endsWith(warning));
        }
        for (String format : List.of("table", "json", "sarif")) {
            Run scan = jar(
                    "scan",
                    "image",
                    image.toString(),
                    "--offline",
                    "-q",
                    "--data-dir",
                    data.toString(),
                    "--format",
                    format);
            assertThat(scan.exitCode()).as(scan.err()).isZero();
            assertThat(scan.err().lines())
                    .as("scan --format %s", format)
                    .anySatisfy(line ->
                            assertThat(line).startsWith("warning: layer ").endsWith(warning));
            assertThat(scan.out()).contains("CVE-2099-0001");
        }
        // a report written to a file keeps its warnings too
        Path report = temp.resolve("report.txt");
        jar(
                "scan",
                "image",
                image.toString(),
                "--offline",
                "-q",
                "--data-dir",
                data.toString(),
                "--output",
                report.toString());
        assertThat(Files.readString(report)).contains(warning);
    }

    /** One uncompressed layer tar of the given files, in order. */
    private static byte[] layer(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (String name : new java.util.TreeSet<>(files.keySet())) {
                byte[] content = files.get(name).getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
