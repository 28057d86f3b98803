package vigil.threats.sensor.signal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldCatalog;
import vigil.threats.rules.policy.Definitions;
import vigil.threats.rules.policy.RuleRunner;
import vigil.threats.rules.policy.RuleSet;
import vigil.threats.sensor.EventMapper;
import vigil.threats.sensor.EventSource;
import vigil.threats.sensor.FallbackSensor;
import vigil.threats.sensor.OpenApprovers;
import vigil.threats.sensor.ProcessCache;
import vigil.threats.sensor.Sensor;
import vigil.threats.sensor.SensorException;
import vigil.threats.sensor.SensorRecord;
import vigil.threats.sensor.TraceListener;
import vigil.threats.sensor.Users;

/**
 * The sensor, the rules and the signals together, as {@code vigil threats watch} and the agent run them: each record
 * the sensor reads is mapped to an event (with the process cache's context), run through the rules; a match runs
 * its rule's {@code kill} action at once, and its signal (with {@code hash}) is made unless the throttle folds or
 * limits it. One thread polls ({@link #poll}); any thread takes the signals due ({@link #take}) and the status.
 */
public final class ThreatPipeline implements AutoCloseable {
    /** How the pipeline behaves: the throttle's window and per-rule limit, and whether {@code kill} is carried out. */
    public record Options(Duration window, int perRule, boolean enforce, Source source, Path traceSocket) {
        /** One follow-up per rule and process per 30 s, 100 new signals per rule per 30 s; kill carried out. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(30), 100, true);
        }

        /** The same, with the event source chosen: eBPF, else the fallback ({@code auto}), or one of them only. */
        public Options with(Source source) {
            return new Options(window, perRule, enforce, source, traceSocket);
        }

        /** The same, with the socket {@code vigil-trace} launchers connect to ({@link Source#TRACE}). */
        public Options withTraceSocket(Path socket) {
            return new Options(window, perRule, enforce, source, socket);
        }

        public Options(Duration window, int perRule, boolean enforce, Source source) {
            this(window, perRule, enforce, source, TraceListener.DEFAULT_SOCKET);
        }

        public Options(Duration window, int perRule, boolean enforce) {
            this(window, perRule, enforce, Source.AUTO);
        }
    }

    /**
     * Which sensor runs: eBPF where it can, else the fallback (fanotify and the proc connector); or one only; or the
     * {@code vigil-trace} launchers' records from a socket (ECS Fargate, ADR 0053).
     */
    public enum Source {
        AUTO,
        EBPF,
        FALLBACK,
        TRACE
    }

    private final RuleRunner runner;
    private final EventMapper mapper;
    private final SignalMaker maker;
    private final Actions actions;
    private final SignalThrottle throttle;
    private final Clock clock;
    private final AtomicLong events = new AtomicLong();
    private final Instant since;
    private @Nullable EventSource sensor;
    /** Why eBPF did not run, when the fallback runs instead. */
    private @Nullable String fallbackReason;

    private final Source source;
    private final @Nullable TreeSet<String> openPrefixes;
    /** The further system calls the rules' event types are made of: the only ones the kernel records. */
    private final java.util.Set<Integer> syscalls;
    /** The event types the rules are about. */
    private final java.util.Set<String> types;

    private final Path traceSocket;
    /** The last thing a {@code vigil-trace} launcher did wrong (its connection closed), shown in the status. */
    private volatile @Nullable String traceWarning;

    private volatile SensorStatus status;
    private volatile java.util.function.@Nullable Consumer<Event> recorder;
    private long statusAt = Long.MIN_VALUE;

    /** A pipeline for {@code rules} reading processes, containers and users from {@code proc} and {@code etc}. */
    public ThreatPipeline(RuleSet rules, Options options, Path proc, Path etc, SignalMaker.Images images, Clock clock) {
        FieldCatalog catalog = FieldCatalog.linux();
        ProcessCache processes = ProcessCache.fromProc(proc);
        Users users = new Users(etc);
        this.runner = new RuleRunner(rules, catalog);
        this.mapper = new EventMapper(processes, catalog, proc, users);
        this.maker = new SignalMaker(catalog, processes, users, images);
        this.actions = new Actions(proc, options.enforce());
        this.throttle = new SignalThrottle(options.window(), options.perRule());
        this.clock = clock;
        this.source = options.source();
        this.since = clock.instant();
        this.openPrefixes = OpenApprovers.of(rules).orElse(null);
        this.traceSocket = options.traceSocket();
        java.util.Set<String> types = new java.util.TreeSet<>();
        for (RuleSet.Loaded rule : rules.rules()) {
            rule.variants().forEach(variant -> types.add(variant.eventType()));
        }
        // chdir always: the process cache follows working directories, so relative paths resolve (a rare call)
        types.add("chdir");
        this.syscalls = vigil.threats.sensor.Syscalls.wanted(types);
        this.types = types;
        this.status = SensorStatus.off("the sensor has not started yet", since);
    }

    /** Loads and attaches the sensor; its records reach the rules on the thread that calls {@link #poll}. */
    public ThreatPipeline start() {
        if (sensor != null) {
            throw new IllegalStateException("the pipeline runs already");
        }
        if (source == Source.TRACE) {
            try {
                sensor = TraceListener.start(
                        traceSocket,
                        this::accept,
                        TraceListener.syscalls(
                                syscalls, types.contains("open"), types.contains("connect"), types.contains("bind")),
                        warning -> traceWarning = warning);
            } catch (SensorException e) {
                status = SensorStatus.off(String.valueOf(e.getMessage()), since);
                throw e;
            }
            mapper.origin("ebpfless");
            refreshStatus(true);
            return this;
        }
        if (source != Source.FALLBACK) {
            try {
                sensor = Sensor.start(this::accept, openPrefixes, syscalls);
            } catch (SensorException | LinkageError e) {
                if (source == Source.EBPF) {
                    status = SensorStatus.off(String.valueOf(e.getMessage()), since);
                    throw e instanceof SensorException se ? se : new SensorException(String.valueOf(e));
                }
                fallbackReason = "eBPF cannot run here (" + e.getMessage() + ")";
            }
        } else {
            fallbackReason = "the fallback sensor was asked for";
        }
        if (sensor == null) {
            mapper.origin("ebpfless");
            try {
                sensor = FallbackSensor.start(this::accept);
            } catch (SensorException e) {
                status = SensorStatus.off(
                        (fallbackReason == null ? "" : fallbackReason + "; ") + "the fallback could not start either: "
                                + e.getMessage(),
                        since);
                throw new SensorException(status.reason() == null ? String.valueOf(e.getMessage()) : status.reason());
            }
        }
        refreshStatus(true);
        return this;
    }

    /** What the kernel answered for each kind of hook when the eBPF sensor started; none for the fallback. */
    public List<vigil.threats.sensor.HookProbe.Verdict> kernelHooks() {
        return sensor instanceof Sensor ebpf ? ebpf.hooks() : List.of();
    }

    /** Whether opens no rule is about are left out in the kernel (the rules' approvers, ADR 0045). */
    public Optional<TreeSet<String>> openPrefixes() {
        return Optional.ofNullable(openPrefixes);
    }

    /** Reads what the sensor has, waiting up to {@code timeoutMillis}; refreshes the status about once a second. */
    public int poll(int timeoutMillis) {
        EventSource running = sensor;
        if (running == null) {
            throw new IllegalStateException("start the pipeline first");
        }
        int read = running.poll(timeoutMillis);
        refreshStatus(false);
        return read;
    }

    /** One record of the sensor, through the rules. */
    public void accept(SensorRecord record) {
        mapper.map(record).ifPresent(this::evaluate);
    }

    /** Tells {@code recorder} of every event before the rules see it ({@code vigil threats record}). */
    public void record(java.util.function.Consumer<Event> recorder) {
        this.recorder = recorder;
    }

    /** One event through the rules: what {@link #accept} does after mapping, and what recorded events replay. */
    public void evaluate(Event event) {
        events.incrementAndGet();
        java.util.function.Consumer<Event> listening = recorder;
        if (listening != null) {
            listening.accept(event);
        }
        runner.evaluate(event, this::matched);
    }

    private void matched(
            RuleSet.Loaded rule, vigil.threats.rules.engine.Compiler.Compiled variant, boolean signal, Event event) {
        long pid = maker.number(event, "process.pid");
        List<Signal.ActionResult> results = new ArrayList<>();
        List<RuleSet.CompiledAction> hashes = new ArrayList<>();
        for (RuleSet.CompiledAction action : rule.actions()) {
            switch (action.action()) {
                case Definitions.Kill kill -> {
                    if (runner.applies(action, event)) {
                        String container = maker.text(event, "process.container.id");
                        results.add(
                                actions.kill(pid, kill.signal(), kill.scope(), container.isEmpty() ? null : container));
                    }
                }
                case Definitions.Hash hash -> {
                    if (runner.applies(action, event)) {
                        hashes.add(action);
                    }
                }
                case Definitions.Set set ->
                    results.add(new Signal.ActionResult("set", "done", set.set().qualifiedName()));
                case Definitions.Other other ->
                    results.add(new Signal.ActionResult(
                            other.kind(), "skipped", "Vigil does not run '" + other.kind() + "' actions"));
            }
        }
        if (!signal) {
            return; // silent, or its 'every' interval has not passed: the actions ran, no signal
        }
        Instant at = Instant.ofEpochSecond(0, maker.number(event, "event.timestamp"));
        throttle.offer(rule.id(), pid, maker.text(event, "process.file.path"), System.nanoTime(), at, () -> {
            // hashing reads a file: only for a signal that is made, not for each repeat folded into one
            for (RuleSet.CompiledAction unused : hashes) {
                results.add(actions.hash(
                        pid,
                        hashPath(event),
                        maker.text(event, "process.container.id").isEmpty()));
            }
            return maker.make(rule, event, results);
        });
    }

    /** The file a {@code hash} action hashes: the event's file, else the process's executable. */
    private String hashPath(Event event) {
        return switch (event.type()) {
            case "open" -> maker.text(event, "open.file.path");
            case "exec" -> maker.text(event, "exec.file.path");
            default -> maker.text(event, "process.file.path");
        };
    }

    /** The signals due now (first signals at once, follow-ups when their window ends). */
    public List<Signal> take() {
        return throttle.take(System.nanoTime());
    }

    /** Every signal waiting, due or not (when stopping). */
    public List<Signal> takeAll() {
        return throttle.takeAll();
    }

    /** The sensor's status as of the last refresh (about once a second while polling). */
    public SensorStatus status() {
        return status;
    }

    /** Events the rules saw. */
    public long events() {
        return events.get();
    }

    private void refreshStatus(boolean now) {
        long tick = System.nanoTime();
        EventSource running = sensor;
        if (running == null || (!now && statusAt != Long.MIN_VALUE && tick - statusAt < 1_000_000_000L)) {
            return;
        }
        statusAt = tick;
        Map<String, Long> lost = running.lost();
        long lostTotal = lost.values().stream().mapToLong(Long::longValue).sum();
        String degraded = lostTotal == 0 ? null : lostTotal + " kernel records lost: the ring buffer was full";
        String warning = traceWarning;
        if (warning != null) {
            degraded = warning + (degraded == null ? "" : "; " + degraded);
        }
        if (fallbackReason != null) {
            degraded = fallbackReason + "; the fallback sensor gives exec, fork, exit and open only, not "
                    + FallbackSensor.MISSING + (degraded == null ? "" : "; " + degraded);
        }
        status = new SensorStatus(
                degraded == null ? SensorStatus.State.RUNNING : SensorStatus.State.DEGRADED,
                degraded,
                running.kind(),
                running.programs(),
                since,
                events.get(),
                lost,
                openPrefixes == null ? 0 : running.approverDrops(),
                throttle.suppressed());
    }

    /** The status with the throttle's counts as they are now (for tests and the last section). */
    public SensorStatus statusNow() {
        refreshStatus(true);
        return status;
    }

    /** A pipeline that will not run: its status says why. */
    public void stopped(String reason) {
        status = SensorStatus.off(reason, since);
    }

    Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        EventSource running = sensor;
        sensor = null;
        if (running != null) {
            running.close();
        }
    }
}
