package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher ({@code ./vigil}) in a repository of its own, with a Maven wrapper that only counts its builds: a
 * build that leaves the jar as it was (nothing of the distribution changed) must not make every later run build
 * again.
 */
class LauncherIT {
    @TempDir
    Path repo;

    private String launch() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(repo.resolve("vigil").toString(), "--version");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("VIGIL_AOT", "0");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return output;
    }

    @Test
    void aSourceOutsideTheDistributionDoesNotRebuildItOnEveryRun() throws Exception {
        Path launcher = repo.resolve("vigil");
        Files.copy(Path.of(System.getProperty("vigil.repo"), "vigil"), launcher);
        Path wrapper = Files.writeString(
                repo.resolve("mvnw"), "#!/bin/sh\necho build >> \"$(dirname \"$0\")/builds\"\n"); // jar left as it was
        for (Path script : List.of(launcher, wrapper)) {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        FileTime old = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Path jar = Files.createDirectories(repo.resolve("vigil-cli/target")).resolve("vigil-cli.jar");
        Files.writeString(jar, "not a real jar");
        Files.setLastModifiedTime(Files.writeString(repo.resolve("pom.xml"), "<project/>"), old);
        Files.setLastModifiedTime(jar, old);
        // a module the launcher's build (-pl vigil-cli -am) does not package, changed after the jar
        Files.createDirectories(repo.resolve("vigil-benchmarks/src/main/java"));
        Files.writeString(repo.resolve("vigil-benchmarks/src/main/java/Bench.java"), "class Bench {}");

        assertThat(launch()).contains("building the distribution");
        assertThat(launch()).doesNotContain("building the distribution");
        assertThat(Files.readAllLines(repo.resolve("builds"))).hasSize(1);
    }
}
