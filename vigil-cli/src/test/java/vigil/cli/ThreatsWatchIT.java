package vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vigil threats watch} as a user runs it: the built jar, the real sensor in this kernel (CI runs as root),
 * Vigil's built-in policy, and things done on this host that its rules are about.
 */
class ThreatsWatchIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static List<String> vigil(String... args) {
        return BuiltJar.command(args);
    }

    @Test
    void printsASignalPerMatchAsJsonLines(@TempDir Path temp) throws Exception {
        Process watch = new ProcessBuilder(vigil("threats", "watch", "--duration", "8", "--format", "json")).start();
        watch.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(watch.getInputStream()));
        List<String> err = new ArrayList<>();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(watch.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                err.add(line);
                if (line.startsWith("vigil: watching")) {
                    // a program run from /tmp, and the password hashes read by cat
                    Path dropped = Files.copy(
                            Path.of("/bin/true"), temp.resolve("dropped"), StandardCopyOption.REPLACE_EXISTING);
                    assertThat(new ProcessBuilder(dropped.toString()).start().waitFor())
                            .isZero();
                    assertThat(new ProcessBuilder("/bin/cat", "/etc/shadow")
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                    .start()
                                    .waitFor())
                            .isZero();
                }
            }
        }
        assertThat(watch.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(watch.exitValue()).as(String.join("\n", err)).isZero();
        assertThat(err).anySatisfy(line -> assertThat(line).startsWith("vigil: watching with 13 rules"));
        assertThat(err).anySatisfy(line -> assertThat(line).startsWith("vigil: kernel hooks: tp_btf"));
        // the built-in policy's open rules are about paths alone: the kernel leaves the other opens out
        assertThat(err.getLast())
                .matches("vigil: \\d+ events, \\d+ signals, (none lost|lost .*); \\d+ opens left out in the kernel"
                        + " \\(no rule is about their paths\\)");

        List<JsonNode> signals = new ArrayList<>();
        for (String line : out.get().split("\n")) {
            if (!line.isBlank()) {
                signals.add(JSON.readTree(line));
            }
        }
        assertThat(signals).anySatisfy(signal -> {
            assertThat(signal.path("rule_id").asString()).isEqualTo("exec_from_temporary_directory");
            assertThat(signal.path("severity").asString()).isEqualTo("medium");
            assertThat(signal.path("process").path("path").asString()).startsWith(temp.toString());
            assertThat(signal.path("event_type").asString()).isEqualTo("exec");
            assertThat(signal.path("file").path("operation").asString()).isEqualTo("exec");
            // the process tree up to this test's JVM: the watch's parent is an ancestor of the dropped program too
            assertThat(signal.path("ancestors").isArray()).isTrue();
            assertThat(signal.path("ancestors")).isNotEmpty();
            assertThat(signal.path("ancestors").get(0).path("pid").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
            assertThat(signal.path("id").asString()).hasSize(36);
            assertThat(signal.path("count").asLong()).isEqualTo(1);
        });
        assertThat(signals).anySatisfy(signal -> {
            assertThat(signal.path("rule_id").asString()).isEqualTo("shadow_file_read");
            assertThat(signal.path("mitre_technique").asString()).startsWith("T1003.008");
            assertThat(signal.path("process").path("pid").isNumber()).isTrue();
            assertThat(signal.path("process").path("comm").asString()).isEqualTo("cat");
            assertThat(signal.path("event").path("open.file.path").asString()).isEqualTo("/etc/shadow");
            assertThat(signal.path("event").path("process.ancestors.file.name").isArray())
                    .isTrue();
            assertThat(signal.path("file").path("path").asString()).isEqualTo("/etc/shadow");
            assertThat(signal.path("file").path("operation").asString()).isEqualTo("open_read");
            assertThat(signal.path("process").path("user").asString()).isEqualTo("root");
            assertThat(signal.has("container"))
                    .as("a host process: container is null, not left out")
                    .isTrue();
            assertThat(signal.path("container").isNull()).isTrue();
        });
    }

    @Test
    void theFallbackSensorWatchesWhenAskedAndSaysWhatItLacks() throws Exception {
        Process watch = new ProcessBuilder(vigil("threats", "watch", "--sensor", "fallback", "--duration", "3"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = read(watch.getErrorStream());
        assertThat(watch.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(watch.exitValue()).as(err).isZero();
        assertThat(err)
                .contains("vigil: watching with 13 rules on the fallback sensor (the fallback sensor was asked for;")
                .contains("exec, fork, exit and open only")
                .contains("; the fallback sensor: every open seen (it has no approvers in the kernel)");
        Process unwritable = new ProcessBuilder(
                        vigil("threats", "record", "--out", "/nonexistent-vigil-dir/events.jsonl", "--duration", "1"))
                .start();
        assertThat(unwritable.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(unwritable.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(read(unwritable.getErrorStream()))
                .contains("cannot write the events to /nonexistent-vigil-dir/events.jsonl: its directory does not"
                        + " exist");
        Process bad = new ProcessBuilder(vigil("threats", "watch", "--sensor", "kprobe")).start();
        assertThat(bad.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(read(bad.getErrorStream())).contains("--sensor must be auto, ebpf, fallback or trace, not 'kprobe'");
    }

    @Test
    void refusesAnUnknownFormatAndFalcoFiles(@TempDir Path temp) throws Exception {
        Process format = new ProcessBuilder(vigil("threats", "watch", "--format", "xml")).start();
        assertThat(format.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(format.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(read(format.getErrorStream())).contains("--format must be table or json, not 'xml'");

        Path falco = Files.writeString(temp.resolve("rules.yaml"), """
                - rule: shell
                  desc: a shell
                  condition: proc.name = bash
                  output: shell
                  priority: WARNING
                """);
        Process refused = new ProcessBuilder(vigil("threats", "watch", "--policy", falco.toString())).start();
        assertThat(refused.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(read(refused.getErrorStream()))
                .contains("watch runs SECL policies")
                .contains(falco.toString());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
