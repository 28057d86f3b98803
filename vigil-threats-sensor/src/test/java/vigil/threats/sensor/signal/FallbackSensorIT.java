package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.BuiltInPolicy;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;
import vigil.threats.sensor.FallbackSensor;
import vigil.threats.sensor.SensorRecord;

/**
 * The sensor without eBPF (CI runs as root): the proc connector's forks, execs and exits and fanotify's opens, as
 * records and through the pipeline with the built-in policy, whose exec and open rules fire as on the eBPF sensor;
 * the status says the fallback runs and what it lacks.
 */
class FallbackSensorIT {
    private static <T> T await(List<T> seen, Predicate<T> which) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (T item : seen) {
                if (which.test(item)) {
                    return item;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not seen; seen: " + seen.size() + " items, the last: "
                + seen.subList(Math.max(0, seen.size() - 10), seen.size()));
    }

    @Test
    void recordsProcessesAndOpens(@TempDir Path temp) throws Exception {
        List<SensorRecord> records = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try (FallbackSensor sensor = FallbackSensor.start(records::add)) {
            Thread poller = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    sensor.poll(50);
                }
            });
            try {
                Path file = Files.writeString(temp.resolve("watched"), "x");
                Process cat = new ProcessBuilder("/bin/cat", file.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long pid = cat.pid();
                await(records, r -> r instanceof SensorRecord.Fork f && f.childPid() == pid);
                await(
                        records,
                        r -> r instanceof SensorRecord.Exec e && e.header().pid() == pid);
                SensorRecord.Open open = (SensorRecord.Open) await(
                        records,
                        r -> r instanceof SensorRecord.Open o && o.path().equals(file.toString()));
                assertThat(open.header().pid()).isEqualTo((int) pid);
                await(
                        records,
                        r -> r instanceof SensorRecord.Exit e && e.header().pid() == pid);
                assertThat(records.stream()
                                .filter(r -> r.header().pid() == pid)
                                .map(Object::toString)
                                .toList())
                        .as("the records of cat")
                        .anySatisfy(r -> assertThat(r).contains("filename=/usr/bin/cat"));
                Process writer = new ProcessBuilder("/bin/sh", "-c", "echo y > " + file).start();
                assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
                SensorRecord.Open written = (SensorRecord.Open) await(
                        records,
                        r -> r instanceof SensorRecord.Open o && o.path().equals(file.toString()) && o.flags() == 1);
                assertThat(written.header().pid()).isEqualTo((int) writer.pid());
                assertThat(sensor.programs()).containsExactly("proc_connector", "fanotify");
                assertThat(sensor.kind()).isEqualTo("fallback");
            } finally {
                running.set(false);
                poller.join();
            }
        }
    }

    @Test
    void theBuiltInPolicysExecAndOpenRulesFireOnTheFallback(@TempDir Path temp) throws Exception {
        RuleSet rules = new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.ofThisHost(),
                        SensorProfile.linuxTracepoints())
                .load(List.of(BuiltInPolicy.read()));
        List<Signal> signals = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        try (ThreatPipeline pipeline = new ThreatPipeline(
                        rules,
                        ThreatPipeline.Options.defaults().with(ThreatPipeline.Source.FALLBACK),
                        Path.of("/proc"),
                        Path.of("/etc"),
                        SignalMaker.Images.NONE,
                        Clock.systemUTC())
                .start()) {
            SensorStatus status = pipeline.status();
            assertThat(status.source()).isEqualTo("fallback");
            assertThat(status.state()).isEqualTo(SensorStatus.State.DEGRADED);
            assertThat(status.reason()).contains("exec, fork, exit and open only");
            Thread poller = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    pipeline.poll(50);
                    signals.addAll(pipeline.take());
                }
            });
            try {
                Path dropped =
                        Files.copy(Path.of("/bin/true"), temp.resolve("dropped"), StandardCopyOption.REPLACE_EXISTING);
                Process run = new ProcessBuilder(dropped.toString()).start();
                assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
                Process cat = new ProcessBuilder("/bin/cat", "/etc/shadow")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
                Signal shadow = await(
                        signals,
                        s -> s.ruleId().equals("shadow_file_read")
                                && s.process().pid() == cat.pid());
                assertThat(shadow.process().path()).as(shadow.toString()).isEqualTo("/usr/bin/cat");
                await(
                        signals,
                        s -> s.ruleId().equals("exec_from_temporary_directory")
                                && s.process().pid() == run.pid());
            } finally {
                running.set(false);
                poller.join();
            }
        }
    }
}
