package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * The rules' actions on the real sensor (CI runs as root): a program started under a watched name is killed by the
 * rule's {@code kill} action before it finishes, and its executable hashed; a file opened under a watched directory
 * is hashed as the process saw it. The signals carry the process tree and what each action did.
 */
class SignalPipelineIT {
    @Test
    void killAndHashOnRealEvents(@TempDir Path temp) throws Exception {
        String name = "vigil-victim-" + ProcessHandle.current().pid();
        Path watched = Files.createDirectories(temp.resolve("watched"));
        String policy = """
                rules:
                  - id: victim_started
                    expression: exec.file.name == "%s"
                    tags:
                      severity: high
                    actions:
                      - kill:
                          signal: SIGKILL
                      - hash: {}
                  - id: watched_file_opened
                    expression: open.file.path =~ "%s/*"
                    actions:
                      - hash: {}
                """.formatted(name, watched);
        RuleSet rules = new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.ofThisHost(),
                        SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("it.policy", policy)));
        List<Signal> signals = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try (ThreatPipeline pipeline = new ThreatPipeline(
                        rules,
                        new ThreatPipeline.Options(Duration.ofSeconds(30), 100, true),
                        Path.of("/proc"),
                        Path.of("/etc"),
                        SignalMaker.Images.NONE,
                        Clock.systemUTC())
                .start()) {
            Thread poller = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    pipeline.poll(50);
                    signals.addAll(pipeline.take());
                }
            });
            try {
                // a copy of sleep under the watched name: the kill action ends it long before its 60 s
                Path victim = Files.copy(Path.of("/bin/sleep"), temp.resolve(name));
                victim.toFile().setExecutable(true);
                Process process = new ProcessBuilder(victim.toString(), "60").start();
                assertThat(process.waitFor(20, TimeUnit.SECONDS))
                        .as("killed by the rule")
                        .isTrue();
                assertThat(process.exitValue()).isEqualTo(128 + 9);

                Path secret = Files.writeString(watched.resolve("payload"), "vigil test payload");
                assertThat(new ProcessBuilder("/bin/cat", secret.toString())
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start()
                                .waitFor())
                        .isZero();

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline
                        && signals.stream().map(Signal::ruleId).distinct().count() < 2) {
                    Thread.sleep(50);
                }
                Signal killed = signals.stream()
                        .filter(s -> s.ruleId().equals("victim_started"))
                        .findFirst()
                        .orElseThrow();
                assertThat(killed.process().pid()).isEqualTo(process.pid());
                assertThat(killed.process().path()).isEqualTo(victim.toString());
                assertThat(killed.ancestors().getFirst().pid())
                        .isEqualTo(ProcessHandle.current().pid());
                assertThat(killed.actions().getFirst())
                        .isEqualTo(new Signal.ActionResult("kill", "done", "SIGKILL sent to " + process.pid()));
                assertThat(killed.actions().get(1).detail()).isEqualTo(victim + " sha256:" + sha256(victim));

                Signal opened = signals.stream()
                        .filter(s -> s.ruleId().equals("watched_file_opened")
                                && s.file() != null
                                && s.file().path().equals(secret.toString()))
                        .findFirst()
                        .orElseThrow();
                assertThat(opened.process().path()).isEqualTo("/usr/bin/cat");
                assertThat(opened.actions())
                        .containsExactly(new Signal.ActionResult("hash", "done", secret + " sha256:" + sha256(secret)));
                assertThat(pipeline.statusNow().state()).isIn(SensorStatus.State.RUNNING, SensorStatus.State.DEGRADED);
                assertThat(pipeline.statusNow().hooks()).isNotEmpty();
            } finally {
                running.set(false);
                poller.join();
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
