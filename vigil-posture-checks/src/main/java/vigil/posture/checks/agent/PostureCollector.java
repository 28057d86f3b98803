package vigil.posture.checks.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.collect.Collector;
import vigil.agent.collect.SpoolPolicy;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.model.batch.SectionType;
import vigil.posture.checks.ConfigScan;
import vigil.posture.checks.PostureJson;
import vigil.posture.engine.PostureEngine;

/**
 * CSM Misconfigurations in the agent: scans its host with the posture rules when the agent starts and then every
 * {@code every}, and hands the verdicts over as one {@code posture} section. Spooled under {@link
 * SpoolPolicy#SUPERSEDE}: a newer scan says everything an older one said, so a full spool may drop the older.
 */
public final class PostureCollector implements Collector {
    private final PostureEngine engine;
    private final Path root;
    private final @Nullable Path proc;
    private final String host;
    private final Duration every;
    private final Clock clock;
    private final Consumer<String> log;
    private final vigil.agent.docker.@Nullable DockerEngine docker;
    private @Nullable Instant last;

    /**
     * @param root the host's root ({@code /}, or where it is mounted in a container)
     * @param proc the live host's {@code /proc}, or null when the root is not the running system
     * @param docker Docker's Engine API on the host, checked when its socket exists; null: Docker is not checked
     */
    public PostureCollector(
            PostureEngine engine,
            Path root,
            @Nullable Path proc,
            String host,
            vigil.agent.docker.@Nullable DockerEngine docker,
            Duration every,
            Clock clock,
            Consumer<String> log) {
        this.engine = engine;
        this.root = root;
        this.proc = proc;
        this.host = host;
        this.docker = docker;
        this.every = every;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public SectionType section() {
        return SectionType.POSTURE;
    }

    @Override
    public SpoolPolicy policy() {
        return SpoolPolicy.SUPERSEDE;
    }

    @Override
    public List<ObjectNode> collect() throws IOException {
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.plus(every))) {
            return List.of();
        }
        last = now;
        long started = System.nanoTime();
        ConfigScan.Report report;
        String benchmark = "linux";
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "host " + root)) {
            report = ConfigScan.host(engine, fs, proc, host);
            // Docker's rules only where Docker runs (as agent check scopes them): its socket answers here
            if (docker != null && java.nio.file.Files.exists(docker.socket())) {
                ConfigScan.Report dockerReport = ConfigScan.docker(engine, docker, fs, proc, host);
                List<vigil.posture.engine.Result> results = new java.util.ArrayList<>(report.results());
                results.addAll(dockerReport.results());
                List<String> notes = new java.util.ArrayList<>(report.notes());
                notes.addAll(dockerReport.notes());
                report = new ConfigScan.Report(report.target(), results, notes);
                benchmark = "linux, docker";
            }
        }
        log.accept("misconfigurations: " + report.results().size() + " verdicts ("
                + report.count(vigil.posture.engine.Status.FAIL) + " failed) in "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        return List.of(PostureJson.section(report, benchmark, now.toEpochMilli()));
    }
}
