package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A dpkg status file with a 500 MB {@code Version:} line, read by the real command in a JVM of 256 MiB: the line is
 * skipped with a warning naming the file and line, the other packages are read and matched, and the exit code is 0
 * (it was a raw OutOfMemoryError and exit code 1, CI's "vulnerabilities found").
 */
class HugeDatabaseLineIT {
    @TempDir
    Path temp;

    @Test
    void aHalfGigabyteLineIsReadInBoundedMemory() throws Exception {
        Path root = temp.resolve("root");
        Path status = Files.createDirectories(root.resolve("var/lib/dpkg")).resolve("status");
        String before = "Package: fine\nStatus: install ok installed\nVersion: 1.0\n\n"
                + "Package: huge\nStatus: install ok installed\nVersion: 1";
        try (FileChannel channel = FileChannel.open(status, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(before.getBytes(StandardCharsets.US_ASCII)));
            // A hole: 500 MB of NUL bytes when read, no disk taken.
            channel.write(
                    ByteBuffer.wrap("\n\nPackage: after\nStatus: install ok installed\nVersion: 2.0\n"
                            .getBytes(StandardCharsets.US_ASCII)),
                    before.length() + (500L << 20));
        }
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"Debian 12\"\n");
        Path feed = Files.createDirectories(temp.resolve("feed"));
        Files.writeString(feed.resolve("DSA-9101-1.json"), """
                {"id": "DSA-9101-1", "modified": "2026-11-01T00:00:00Z", "aliases": ["CVE-2099-9101"],
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "fine"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1"}]}]}]}
                """);
        Path data = temp.resolve("data");
        assertThat(Main.run("db", "import", "--data-dir", data.toString(), feed.toString()))
                .isZero();
        Path report = temp.resolve("report.json");
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        Path.of("target", "vigil-cli.jar").toString(),
                        "scan",
                        "rootfs",
                        root.toString(),
                        "--data-dir",
                        data.toString(),
                        "--offline",
                        "--format",
                        "json",
                        "--output",
                        report.toString(),
                        "-q"))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(report));
        assertThat(json.path("packageCount").asInt()).isEqualTo(2); // fine and after, not huge
        assertThat(json.path("vulnerabilities").toString()).contains("CVE-2099-9101");
        assertThat(json.path("warnings").toString())
                .contains("/var/lib/dpkg/status in rootfs " + root + " line 7")
                .contains("longer than the");
    }
}
