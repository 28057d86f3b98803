package vigil.benchmarks;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import vigil.threats.rules.engine.Constants;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.EventBuilder;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Environment;
import vigil.threats.rules.policy.PolicyLoader;
import vigil.threats.rules.policy.PolicyReader;
import vigil.threats.rules.policy.RuleRunner;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.rules.policy.SensorProfile;

/**
 * Datadog's whole default policy (the rules that load on Linux) over a recorded mix of events, one thread: how many
 * events per second one core evaluates, and (with {@code -prof gc}) what each allocates. The stream is made once from
 * a fixed seed: exec-heavy, open-heavy and network events with the process context a sensor attaches (paths,
 * names, users, ancestors, container). Also the time to read and compile the policy.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1)
@State(Scope.Benchmark)
public class RuleEngineBenchmark {
    /** Events per invocation: the recorded stream replayed as many times as it takes. */
    static final int EVENTS = 4096;

    /**
     * Events in the recorded stream: 1,024 stay in one core's caches, as the event a sensor has just built does;
     * 16,384 do not, and measure the memory too.
     */
    @Param({"1024", "16384"})
    public int stream = 1024;

    @Param("../shared/fixtures/secl/default.policy")
    public String policy = "../shared/fixtures/secl/default.policy";

    private String policyText = "";
    private RuleRunner runner = new RuleRunner(load(""), FieldCatalog.linux());
    private Event[] events = new Event[0];

    @Setup(Level.Trial)
    public void setUp() throws IOException, EventBuilder.EventFormatException {
        policyText = Files.readString(Path.of(policy));
        RuleSet rules = load(policyText);
        runner = new RuleRunner(rules, FieldCatalog.linux());
        events = stream(new SplittableRandom(1), FieldCatalog.linux(), stream).toArray(Event[]::new);
    }

    static RuleSet load(String text) {
        return new PolicyLoader(
                        FieldCatalog.linux(),
                        Constants.linux(),
                        Environment.linux(6, 18),
                        SensorProfile.linuxTracepoints())
                .load(List.of(PolicyReader.read("default.policy", text)));
    }

    /**
     * Every event of the stream through the rules of its type, as a sensor runs them: the approver index, the rules
     * it lets through, the actions of the rules that match, and each match told to a sink (a signal pipeline reads
     * the values that decided only for the signals it keeps). A result per event keeps the JIT honest.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void evaluateStream(Blackhole sink) {
        RuleRunner.MatchSink matches = (rule, variant, signal, event) -> sink.consume(signal);
        for (int i = 0; i < EVENTS; i++) {
            sink.consume(runner.evaluate(next(), matches));
        }
    }

    /** The same stream through the reporting path: a list of matches per event, each with its values. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void evaluateStreamWithValues(Blackhole sink) {
        for (int i = 0; i < EVENTS; i++) {
            sink.consume(runner.evaluate(next()));
        }
    }

    private int cursor;

    /** The stream's next event, from its start again after its end. */
    private Event next() {
        Event event = events[cursor];
        cursor = cursor + 1 == events.length ? 0 : cursor + 1;
        return event;
    }

    /** Reading and compiling the whole policy. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RuleSet compilePolicy() {
        return load(policyText);
    }

    private static final String[] BINARIES = {
        "/usr/bin/bash",
        "/usr/bin/ls",
        "/usr/bin/cat",
        "/usr/bin/grep",
        "/usr/bin/python3",
        "/usr/bin/curl",
        "/usr/sbin/sshd",
        "/usr/bin/sudo",
        "/usr/bin/git",
        "/usr/bin/node",
        "/usr/lib/jvm/java/bin/java",
        "/usr/bin/dockerd",
        "/usr/bin/containerd",
        "/usr/bin/kubectl",
        "/usr/bin/nc",
        "/usr/bin/wget",
        "/usr/bin/find",
        "/usr/bin/ps",
        "/usr/bin/tar",
        "/usr/bin/systemctl"
    };

    private static final String[] FILES = {
        "/etc/passwd",
        "/etc/shadow",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/etc/ld.so.cache",
        "/proc/self/maps",
        "/proc/1/environ",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/var/log/syslog",
        "/tmp/build/output.o",
        "/home/dev/.ssh/id_rsa",
        "/home/dev/.bashrc",
        "/etc/cron.d/backup",
        "/var/lib/dpkg/status",
        "/root/.aws/credentials",
        "/etc/sudoers",
        "/sys/fs/cgroup/memory.max",
        "/dev/null",
        "/usr/share/zoneinfo/UTC",
        "/etc/ssl/certs/ca-certificates.crt"
    };

    /** The recorded stream: 40% exec, 45% open, 15% connect/bind/accept, with a process context each. */
    static List<Event> stream(SplittableRandom random, FieldCatalog catalog) throws EventBuilder.EventFormatException {
        return stream(random, catalog, EVENTS);
    }

    static List<Event> stream(SplittableRandom random, FieldCatalog catalog, int count)
            throws EventBuilder.EventFormatException {
        EventBuilder builder = new EventBuilder(catalog);
        List<Event> out = new ArrayList<>();
        Map<Value, Object> values = new java.util.HashMap<>();
        long now = 1_780_000_000_000_000_000L;
        for (int i = 0; i < count; i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            String self = BINARIES[random.nextInt(BINARIES.length)];
            fields.put("process.file.path", self);
            fields.put("process.file.name", self.substring(self.lastIndexOf('/') + 1));
            fields.put("process.comm", self.substring(self.lastIndexOf('/') + 1));
            fields.put("process.pid", BigInteger.valueOf(1000 + random.nextInt(5000)));
            fields.put("process.uid", BigInteger.valueOf(random.nextInt(4) == 0 ? 0 : 1000));
            fields.put("process.ancestors.file.name", List.of("bash", "sshd", "systemd"));
            fields.put(
                    "process.ancestors.file.path",
                    List.of("/usr/bin/bash", "/usr/sbin/sshd", "/usr/lib/systemd/systemd"));
            fields.put("process.container.id", random.nextInt(3) == 0 ? "3f2a9c1b7e4d" : "");
            fields.put("event.timestamp", BigInteger.valueOf(now + i * 1_000_000L));
            int kind = random.nextInt(100);
            String type;
            if (kind < 40) {
                type = "exec";
                String binary = BINARIES[random.nextInt(BINARIES.length)];
                fields.put("exec.file.path", binary);
                fields.put("exec.file.name", binary.substring(binary.lastIndexOf('/') + 1));
                fields.put("exec.comm", binary.substring(binary.lastIndexOf('/') + 1));
                fields.put("exec.argv", List.of("-c", "echo " + i));
                fields.put("exec.args", "-c echo " + i);
            } else if (kind < 85) {
                type = "open";
                String file = FILES[random.nextInt(FILES.length)];
                fields.put("open.file.path", file);
                fields.put("open.file.name", file.substring(file.lastIndexOf('/') + 1));
                fields.put("open.flags", BigInteger.valueOf(random.nextInt(5) == 0 ? 0101 : 0));
            } else {
                type = new String[] {"connect", "bind", "accept"}[random.nextInt(3)];
                fields.put(
                        type + ".addr.ip", random.nextBoolean() ? "10.0.0." + random.nextInt(255) : "169.254.169.254");
                fields.put(type + ".addr.port", BigInteger.valueOf(random.nextBoolean() ? 443 : 80));
                fields.put(type + ".addr.family", BigInteger.valueOf(2));
            }
            out.add(shared(builder.build(type, fields), values));
        }
        return out;
    }

    /** Equal values of the stream, by content: {@code String[]}, {@code long[]}... wrapped for deep equality. */
    private record Value(Object array) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Value value && java.util.Objects.deepEquals(value.array, array);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.deepHashCode(new Object[] {array});
        }
    }

    /**
     * The event with its values shared with the earlier events that have equal ones, as a sensor's caches share them
     * (the process cache gives every event of a process the same context; path and name caches the same strings):
     * each event built alone would hold its own copies, and the stream would measure memory, not the rules.
     */
    private static Event shared(Event event, Map<Value, Object> values) {
        @org.jspecify.annotations.Nullable Object[] dense = event.values();
        for (int slot = 0; slot < dense.length; slot++) {
            Object value = dense[slot];
            if (value != null) {
                dense[slot] = values.computeIfAbsent(new Value(value), Value::array);
            }
        }
        return new Event(event.type(), dense);
    }
}
