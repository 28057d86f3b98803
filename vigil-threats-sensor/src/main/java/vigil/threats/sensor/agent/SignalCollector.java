package vigil.threats.sensor.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;
import vigil.agent.collect.Collector;
import vigil.agent.collect.SpoolPolicy;
import vigil.model.batch.SectionType;
import vigil.threats.sensor.SensorException;
import vigil.threats.sensor.signal.SensorStatus;
import vigil.threats.sensor.signal.Signal;
import vigil.threats.sensor.signal.SignalJson;
import vigil.threats.sensor.signal.ThreatPipeline;

/**
 * CSM Threats in the agent: runs the {@link ThreatPipeline} on a thread of its own and hands the agent its signals as
 * {@code signals} sections, spooled under {@link SpoolPolicy#KEEP} (never dropped without a count). A section goes
 * out when there are signals, when the sensor's state changed, and at least every {@link #STATUS_EVERY} with the
 * sensor's counts, so the server's setup page is current. The status is also written to {@code status.json} in the
 * agent's data directory for {@code vigil agent status}. A sensor that cannot start is reported as off, with why.
 */
public final class SignalCollector implements Collector, AutoCloseable {
    static final Duration STATUS_EVERY = Duration.ofMinutes(1);

    private final ThreatPipeline pipeline;
    private final Path statusFile;
    private final Clock clock;
    private final Consumer<String> log;
    private final ConcurrentLinkedQueue<Signal> ready = new ConcurrentLinkedQueue<>();
    private @Nullable Thread thread;
    private volatile boolean stop;
    private SensorStatus.@Nullable State lastState;
    private java.time.Instant lastStatus = java.time.Instant.MIN;

    public SignalCollector(ThreatPipeline pipeline, Path agentData, Clock clock, Consumer<String> log) {
        this.pipeline = pipeline;
        this.statusFile = agentData.resolve("threats-status.json");
        this.clock = clock;
        this.log = log;
    }

    /** Starts the sensor and its polling thread; a sensor that cannot start leaves the collector reporting why. */
    public SignalCollector start() {
        try {
            pipeline.start();
        } catch (SensorException e) {
            log.accept("threats: the sensor could not start: " + e.getMessage());
            return this;
        }
        Thread polling = new Thread(this::poll, "vigil-threats-sensor");
        polling.setDaemon(true);
        thread = polling;
        polling.start();
        SensorStatus status = pipeline.status();
        log.accept("threats: the sensor runs ("
                + (status.source().equals("ebpf")
                        ? status.hooks().size() + " programs)"
                        : status.source() + ": " + status.reason() + ")"));
        return this;
    }

    private void poll() {
        try {
            while (!stop) {
                pipeline.poll(100);
                ready.addAll(pipeline.take());
            }
            ready.addAll(pipeline.takeAll());
        } catch (RuntimeException e) {
            pipeline.stopped("the sensor stopped: " + e.getMessage());
            log.accept("threats: the sensor stopped: " + e);
        } finally {
            pipeline.close();
        }
    }

    @Override
    public SectionType section() {
        return SectionType.SIGNALS;
    }

    @Override
    public SpoolPolicy policy() {
        return SpoolPolicy.KEEP;
    }

    /** The signals made since the last call, in sections of at most 1,000, each with the sensor's status. */
    @Override
    public List<ObjectNode> collect() throws IOException {
        SensorStatus status = pipeline.status();
        writeStatus(status);
        ready.addAll(pipeline.take());
        List<Signal> signals = new ArrayList<>();
        for (Signal signal; (signal = ready.poll()) != null; ) {
            signals.add(signal);
        }
        java.time.Instant now = clock.instant();
        boolean due = status.state() != lastState || !now.isBefore(lastStatus.plus(STATUS_EVERY));
        List<ObjectNode> sections = new ArrayList<>();
        for (int from = 0; from < signals.size(); from += SignalJson.MAX_PER_SECTION) {
            sections.add(SignalJson.section(
                    status, signals.subList(from, Math.min(signals.size(), from + SignalJson.MAX_PER_SECTION))));
        }
        if (sections.isEmpty() && due) {
            sections.add(SignalJson.section(status, List.of()));
        }
        if (!sections.isEmpty()) {
            lastState = status.state();
            lastStatus = now;
        }
        return sections;
    }

    /** Where {@code vigil agent status} reads the sensor's state; written whole, then moved into place. */
    private void writeStatus(SensorStatus status) throws IOException {
        Files.createDirectories(statusFile.getParent());
        Path temporary = statusFile.resolveSibling(statusFile.getFileName() + ".tmp");
        Files.writeString(temporary, SignalJson.status(status).toString());
        Files.move(temporary, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Stops the sensor; signals still waiting go out with the next {@link #collect}. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        Thread polling = thread;
        if (polling != null) {
            polling.join(Duration.ofSeconds(5));
        }
    }
}
