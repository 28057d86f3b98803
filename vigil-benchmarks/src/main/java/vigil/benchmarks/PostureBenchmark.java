package vigil.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import vigil.posture.engine.PostureEngine;
import vigil.posture.model.Resource;
import vigil.posture.model.ResourceSet;
import vigil.posture.rule.RuleFiles;

/**
 * Issue 13's posture figure: 500 rules over 100,000 resources, end to end (every verdict with its evidence handed to
 * a counting sink, none kept). As in every posture engine, a rule runs on the resource types it names: 50 types with
 * 10 rules each (field comparisons, presence tests, list quantifiers over nested objects, string functions, the
 * engine's own functions) and 2,000 resources of each type, half of them failing each rule: one million
 * evaluations. One shot per iteration, on one and on two threads.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
@State(Scope.Benchmark)
public class PostureBenchmark {
    static final int TYPES = 50;
    static final int RULES_PER_TYPE = 10;
    static final int RESOURCES = 100_000;

    /** The checks each type's ten rules make, as real benchmark rules make them. */
    static final List<String> CHECKS = List.of(
            "resource.enabled == true",
            "has(resource.logging) && resource.logging.bucket != \"\"",
            "resource.ingress.all(r, !is_open_cidr(r.cidr) || r.port != 22)",
            "resource.tags.exists(t, t.key == \"owner\")",
            "mode_within(resource.mode, \"644\")",
            "resource.name.startsWith(\"prod-\") || resource.encrypted",
            "resource.versions.size() <= 3",
            "!(resource.protocol in [\"http\", \"ftp\"])",
            "has(resource.policy) && resource.policy.statements.all(s, s.effect != \"Allow\" || s.principal != \"*\")",
            "int(resource.retention) >= 90");

    @Param({"1", "2"})
    public int threads = 2;

    private PostureEngine engine = PostureEngine.compile(List.of()).engine();
    private ResourceSet resources = new ResourceSet();

    @Setup
    public void setUp() {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (int type = 0; type < TYPES; type++) {
            for (int rule = 0; rule < RULES_PER_TYPE; rule++) {
                yaml.append("  - id: bench-")
                        .append(type)
                        .append('-')
                        .append(rule)
                        .append('\n')
                        .append("    title: benchmark rule ")
                        .append(rule)
                        .append('\n')
                        .append("    severity: medium\n")
                        .append("    resource_types: [type_")
                        .append(type)
                        .append("]\n")
                        .append("    check: '")
                        .append(CHECKS.get(rule).replace("'", "''"))
                        .append("'\n");
            }
        }
        RuleFiles.Read read = new RuleFiles()
                .text("bench.yaml", yaml.toString().getBytes(StandardCharsets.UTF_8))
                .read();
        if (!read.problems().isEmpty() || read.rules().size() != TYPES * RULES_PER_TYPE) {
            throw new IllegalStateException("benchmark rules: " + read.problems());
        }
        engine = PostureEngine.compile(read.rules()).engine();
        SplittableRandom random = new SplittableRandom(13);
        List<Resource> list = new ArrayList<>(RESOURCES);
        for (int i = 0; i < RESOURCES; i++) {
            boolean good = random.nextBoolean();
            Map<String, Object> attributes = new java.util.LinkedHashMap<>();
            attributes.put("enabled", good);
            if (good) {
                attributes.put("logging", Map.of("bucket", "logs-" + i));
                attributes.put(
                        "policy",
                        Map.of(
                                "statements",
                                List.of(
                                        Map.of("effect", "Allow", "principal", "arn:aws:iam::1:role/app"),
                                        Map.of("effect", "Deny", "principal", "*"))));
            }
            attributes.put(
                    "ingress",
                    List.of(
                            Map.of("cidr", "10.0.0.0/8", "port", 443),
                            Map.of("cidr", good ? "10.1.0.0/16" : "0.0.0.0/0", "port", 22)));
            attributes.put("tags", List.of(Map.of("key", good ? "owner" : "env", "value", "x")));
            attributes.put("mode", good ? 0640 : 0666);
            attributes.put("name", (good ? "prod-" : "dev-") + i);
            attributes.put("encrypted", false);
            attributes.put("versions", good ? List.of("1", "2") : List.of("1", "2", "3", "4", "5"));
            attributes.put("protocol", good ? "https" : "http");
            attributes.put("retention", good ? "365" : "30");
            list.add(new Resource("type_" + (i % TYPES), "r-" + i, "r-" + i, attributes));
        }
        resources = ResourceSet.of(list);
    }

    /** Every rule on every resource of its types; the number of failures (half of the million verdicts). */
    @Benchmark
    public long evaluateAll() throws InterruptedException {
        LongAdder failed = new LongAdder();
        engine.evaluate(resources, threads, result -> {
            if (result.status() == vigil.posture.engine.Status.FAIL) {
                failed.increment();
            }
        });
        return failed.sum();
    }
}
