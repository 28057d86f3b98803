package vigil.threats.sensor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The kernel sensor: Vigil's eBPF program ({@code src/main/bpf/vigil.bpf.c}, built by {@code scripts/build-bpf.sh}),
 * loaded and attached through libbpf, its ring buffer read by {@link #poll}. Tracepoints only ({@code tp_btf}), as
 * kprobes, fentry and BPF-LSM are refused on many kernels; each kind of hook is tried first ({@link HookProbe}).
 * Needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF. Not thread-safe: one thread polls; {@link #close}
 * from that thread or after it stopped.
 */
public final class Sensor implements EventSource {
    /** The program's object, as built: beside its source, so that a build without clang can use it. */
    static final String OBJECT = "vigil.bpf.o";

    private final Libbpf libbpf;
    private final Arena arena;
    private MemorySegment object = MemorySegment.NULL;
    private final List<MemorySegment> links = new ArrayList<>();
    private final List<String> programs = new ArrayList<>();
    private List<HookProbe.Verdict> hooks = List.of();
    private MemorySegment ringBuffer = MemorySegment.NULL;
    private int lostFd = -1;
    private int dropsFd = -1;
    private final Consumer<SensorRecord> sink;
    private final MemorySegment callState;
    private long delivered;
    private boolean closed;

    @SuppressWarnings("MustBeClosedChecker") // the arena lives as long as the sensor: close() closes it
    private Sensor(
            Consumer<SensorRecord> sink,
            @Nullable Collection<String> openPrefixes,
            Collection<Integer> syscalls,
            Function<Libbpf, List<HookProbe.Verdict>> hookProbe) {
        this.sink = sink;
        this.libbpf = Libbpf.load();
        this.arena = Arena.ofShared();
        this.callState = Libbpf.callState(arena);
        try {
            // libbpf prints through a variadic callback Java cannot implement: off; failures come back as errno
            MemorySegment unusedPrevious = (MemorySegment) libbpf.setPrint.invokeExact(MemorySegment.NULL);
            // each kind of hook tried first (ADR 0050): a kernel that refuses the sensor's kind is told in those words
            hooks = hookProbe.apply(libbpf);
            String refused = HookProbe.whyNotTheSensor(hooks);
            if (refused != null) {
                throw new SensorException(refused);
            }
            byte[] bytes = objectBytes();
            MemorySegment buffer = arena.allocate(bytes.length, 8);
            buffer.copyFrom(MemorySegment.ofArray(bytes));
            object = (MemorySegment)
                    libbpf.openMem.invokeExact(callState, buffer, (long) bytes.length, MemorySegment.NULL);
            if (object.equals(MemorySegment.NULL)) {
                throw SensorException.of("libbpf could not open the sensor's program", Libbpf.errno(callState));
            }
            setSettings(ProcessHandle.current().pid(), openPrefixes != null);
            int loaded = (int) libbpf.load.invokeExact(callState, object);
            if (loaded != 0) {
                throw SensorException.of("the kernel refused to load the sensor's program", -loaded);
            }
            if (openPrefixes != null) {
                approve(openPrefixes);
            }
            want(syscalls);
            attachAll();
            MemorySegment events = map("events");
            lostFd = (int) libbpf.mapFd.invokeExact(map("lost"));
            dropsFd = (int) libbpf.mapFd.invokeExact(map("approver_drops"));
            MethodHandle target = MethodHandles.lookup()
                    .findVirtual(
                            Sensor.class,
                            "sample",
                            MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class))
                    .bindTo(this);
            MemorySegment callback = Linker.nativeLinker()
                    .upcallStub(
                            target,
                            FunctionDescriptor.of(
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS,
                                    ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_LONG),
                            arena);
            int eventsFd = (int) libbpf.mapFd.invokeExact(events);
            ringBuffer = (MemorySegment) libbpf.ringBufferNew.invokeExact(
                    callState, eventsFd, callback, MemorySegment.NULL, MemorySegment.NULL);
            if (ringBuffer.equals(MemorySegment.NULL)) {
                throw SensorException.of("libbpf could not open the sensor's ring buffer", Libbpf.errno(callState));
            }
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        } catch (Throwable e) {
            release();
            throw new IllegalStateException(e);
        }
    }

    /** Loads and attaches the sensor; each record it reads goes to {@code sink}, on the polling thread. */
    public static Sensor start(Consumer<SensorRecord> sink) {
        return new Sensor(sink, null, java.util.List.of(), HookProbe::run);
    }

    /**
     * The sensor with the open approvers ({@code openPrefixes}, null for every open) and the further system calls
     * {@code syscalls} recorded ({@link Syscalls#wanted}: the calls the rules' event types are made of).
     */
    public static Sensor start(
            Consumer<SensorRecord> sink, @Nullable Collection<String> openPrefixes, Collection<Integer> syscalls) {
        return new Sensor(sink, openPrefixes, syscalls, HookProbe::run);
    }

    /** The same with the hook probe's answers given: a test of a kernel that refuses the sensor's kind of hook. */
    static Sensor start(
            Consumer<SensorRecord> sink,
            @Nullable Collection<String> openPrefixes,
            Collection<Integer> syscalls,
            Function<Libbpf, List<HookProbe.Verdict>> hookProbe) {
        return new Sensor(sink, openPrefixes, syscalls, hookProbe);
    }

    /**
     * The same, recording only the opens whose absolute path starts with one of {@code openPrefixes}
     * ({@link OpenApprovers}); opens of relative paths are all recorded.
     */
    public static Sensor start(Consumer<SensorRecord> sink, Collection<String> openPrefixes) {
        return new Sensor(sink, openPrefixes, java.util.List.of(), HookProbe::run);
    }

    /**
     * Tries the sensor on this machine: loads and attaches every program, then detaches them. Null when it runs;
     * otherwise why not (what {@code vigil agent check} reports).
     */
    public static @Nullable String probe() {
        return trial().failure();
    }

    /** What {@link #trial} found: why the sensor does not run (null when it does), and each kind of hook's verdict. */
    public record Trial(@Nullable String failure, List<HookProbe.Verdict> hooks) {
        public Trial {
            hooks = List.copyOf(hooks);
        }
    }

    /** Tries the sensor as {@link #probe} does, with the verdicts on every kind of hook. */
    public static Trial trial() {
        try (Sensor sensor = new Sensor(record -> {}, null, java.util.List.of(), HookProbe::run)) {
            return new Trial(
                    sensor.programs().isEmpty() ? "the sensor's program attached nothing" : null, sensor.hooks());
        } catch (SensorException e) {
            return new Trial(e.getMessage(), HookProbe.run());
        } catch (RuntimeException | LinkageError e) {
            return new Trial("the sensor could not be tried: " + e, HookProbe.run());
        }
    }

    private static byte[] objectBytes() {
        try (InputStream in = Sensor.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new SensorException(
                        "the sensor's program " + OBJECT + " is missing from the build: run" + " scripts/build-bpf.sh");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SensorException("cannot read the sensor's program " + OBJECT + ": " + e.getMessage());
        }
    }

    /**
     * The program's settings (its {@code struct settings}, in read-only data, written before load): this process,
     * whose file and socket calls it skips (the sensor's own events would feed on themselves), and whether opens are
     * filtered by their path.
     */
    private void setSettings(long pid, boolean filterOpens) throws Throwable {
        MemorySegment rodata = MemorySegment.NULL;
        for (MemorySegment map = next(MemorySegment.NULL); !map.equals(MemorySegment.NULL); map = next(map)) {
            if (Libbpf.string((MemorySegment) libbpf.mapName.invokeExact(map)).endsWith(".rodata")) {
                rodata = map;
            }
        }
        if (rodata.equals(MemorySegment.NULL)) {
            throw new SensorException("the sensor's program has no read-only data for its settings");
        }
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment data = (MemorySegment) libbpf.mapInitialValue.invokeExact(rodata, size);
        if (data.equals(MemorySegment.NULL) || size.get(ValueLayout.JAVA_LONG, 0) < 8) {
            throw new SensorException("the sensor's settings are not where the loader expects them");
        }
        MemorySegment settings = data.reinterpret(8);
        settings.set(ValueLayout.JAVA_INT, 0, (int) pid);
        settings.set(ValueLayout.JAVA_INT, 4, filterOpens ? 1 : 0);
    }

    /** The open approvers into the program's prefix tree ({@code struct path_key}: bits, then the bytes). */
    private void approve(Collection<String> prefixes) throws Throwable {
        int fd = (int) libbpf.mapFd.invokeExact(map("open_prefixes"));
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment key = scratch.allocate(4 + OpenApprovers.PREFIX_MAX + 1, 4);
            MemorySegment value = scratch.allocate(1);
            value.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            for (String prefix : prefixes) {
                byte[] bytes = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (bytes.length > OpenApprovers.PREFIX_MAX) {
                    throw new IllegalArgumentException(
                            "an open approver longer than " + OpenApprovers.PREFIX_MAX + " bytes: " + prefix);
                }
                key.fill((byte) 0);
                key.set(ValueLayout.JAVA_INT, 0, bytes.length * 8);
                MemorySegment.copy(bytes, 0, key, ValueLayout.JAVA_BYTE, 4, bytes.length);
                int result = (int) libbpf.mapUpdate.invokeExact(callState, fd, key, value, 0L);
                if (result != 0) {
                    throw SensorException.of("the kernel refused the open approver " + prefix, Libbpf.errno(callState));
                }
            }
        }
    }

    /** The further system calls to record, into the program's {@code wanted} array (1 at each call's number). */
    private void want(Collection<Integer> syscalls) throws Throwable {
        if (syscalls.isEmpty()) {
            return;
        }
        int fd = (int) libbpf.mapFd.invokeExact(map("wanted"));
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment key = scratch.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = scratch.allocate(1);
            value.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            for (int nr : syscalls) {
                if (Syscalls.call(nr) == null) {
                    throw new IllegalArgumentException("the sensor does not record system call " + nr);
                }
                key.set(ValueLayout.JAVA_INT, 0, nr);
                int result = (int) libbpf.mapUpdate.invokeExact(callState, fd, key, value, 0L);
                if (result != 0) {
                    throw SensorException.of(
                            "the kernel refused to record system call " + Syscalls.name(nr), Libbpf.errno(callState));
                }
            }
        }
    }

    private MemorySegment next(MemorySegment map) throws Throwable {
        return (MemorySegment) libbpf.nextMap.invokeExact(object, map);
    }

    private MemorySegment map(String name) throws Throwable {
        for (MemorySegment map = next(MemorySegment.NULL); !map.equals(MemorySegment.NULL); map = next(map)) {
            if (Libbpf.string((MemorySegment) libbpf.mapName.invokeExact(map)).equals(name)) {
                return map;
            }
        }
        throw new SensorException("the sensor's program has no map " + name);
    }

    private void attachAll() throws Throwable {
        for (MemorySegment program = (MemorySegment) libbpf.nextProgram.invokeExact(object, MemorySegment.NULL);
                !program.equals(MemorySegment.NULL);
                program = (MemorySegment) libbpf.nextProgram.invokeExact(object, program)) {
            String name = Libbpf.string((MemorySegment) libbpf.programName.invokeExact(program));
            MemorySegment link = (MemorySegment) libbpf.attach.invokeExact(callState, program);
            if (link.equals(MemorySegment.NULL)) {
                throw SensorException.of("the kernel refused to attach the sensor's " + name, Libbpf.errno(callState));
            }
            links.add(link);
            programs.add(name);
        }
    }

    /** The ring buffer's callback: one record. An exception would unwind into C, so a bad record stops the poll. */
    @SuppressWarnings({"UnusedMethod", "UnusedVariable"}) // called from C through the upcall stub; no context is passed
    private int sample(MemorySegment context, MemorySegment data, long size) {
        try {
            sink.accept(Records.read(data.reinterpret(size)));
            delivered++;
            return 0;
        } catch (RuntimeException e) {
            failure = e;
            return -1;
        }
    }

    private @Nullable RuntimeException failure;

    /** A read of at least this many records is a burst: the caller polls again at once. */
    static final int BURST = 64;

    /** How long a trickle of records is left to gather before it is read (at most the caller's timeout). */
    static final int PACE_MILLIS = 25;

    /**
     * Reads what the ring buffer holds, waiting up to {@code timeoutMillis}; returns how many records were read. The
     * program wakes the reader only once enough is waiting, but the ring buffer's epoll answers at once while
     * anything is unread (level-triggered), which under a steady trickle woke this thread thousands of times a second
     * in an exec loop, mostly to read nothing (ADR 0049). So what is waiting is read without epoll; an empty ring
     * waits in epoll for the program's wake-up or the timeout; and unless the read was a burst, the call lasts at
     * least {@link #PACE_MILLIS} and reads again what gathered meanwhile. A record waits at most about {@code
     * timeoutMillis}. A record the sink or the decoder refused is rethrown here.
     */
    @Override
    public int poll(int timeoutMillis) {
        if (closed) {
            throw new IllegalStateException("the sensor is closed");
        }
        int read;
        try {
            long started = System.nanoTime();
            read = (int) libbpf.ringBufferConsume.invokeExact(ringBuffer);
            if (read == 0 && failure == null) {
                read = (int) libbpf.ringBufferPoll.invokeExact(ringBuffer, timeoutMillis);
            }
            // a trickle, or an epoll that answered at once with little or nothing readable yet (a record still being
            // written): let records gather for the rest of the pace instead of coming straight back
            long waited = (System.nanoTime() - started) / 1_000_000;
            long pace = Math.min(PACE_MILLIS, Math.max(timeoutMillis, 0));
            if (read >= 0 && read < BURST && waited < pace && failure == null) {
                Thread.sleep(pace - waited);
                int more = (int) libbpf.ringBufferConsume.invokeExact(ringBuffer);
                read = more < 0 ? more : read + more;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            read = 0;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        RuntimeException failed = failure;
        if (failed != null) {
            failure = null;
            throw failed;
        }
        if (read == -4) {
            return 0; // EINTR: a signal; the caller polls again
        }
        if (read < 0) {
            throw SensorException.of("reading the sensor's ring buffer failed", -read);
        }
        return read;
    }

    /** Opens the kernel did not record because no rule could match their path (the approvers); not lost. */
    @Override
    public long approverDrops() {
        return perCpuSum(dropsFd, 0);
    }

    private long perCpuSum(int fd, int index) {
        try (Arena scratch = Arena.ofConfined()) {
            int cpus = (int) libbpf.possibleCpus.invokeExact();
            MemorySegment key = scratch.allocate(ValueLayout.JAVA_INT);
            MemorySegment values = scratch.allocate(ValueLayout.JAVA_LONG, Math.max(1, cpus));
            MemorySegment state = Libbpf.callState(scratch);
            key.set(ValueLayout.JAVA_INT, 0, index);
            int result = (int) libbpf.mapLookup.invokeExact(state, fd, key, values);
            if (result != 0) {
                throw SensorException.of("reading the sensor's counts failed", Libbpf.errno(state));
            }
            long sum = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                sum += values.getAtIndex(ValueLayout.JAVA_LONG, cpu);
            }
            return sum;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records given to the sink since the start. */
    public long delivered() {
        return delivered;
    }

    /** What the kernel answered for each kind of hook at the start ({@link HookProbe}). */
    public List<HookProbe.Verdict> hooks() {
        return hooks;
    }

    /** The programs attached, by name. */
    @Override
    public List<String> programs() {
        return List.copyOf(programs);
    }

    @Override
    public String kind() {
        return "ebpf";
    }

    /** Records the kernel dropped because the ring buffer was full, by kind (exec, fork, exit, open, connect). */
    @Override
    public Map<String, Long> lost() {
        Map<String, Long> lost = new LinkedHashMap<>();
        for (int kind = 1; kind < Records.KINDS; kind++) {
            lost.put(Records.kindName(kind), perCpuSum(lostFd, kind));
        }
        return lost;
    }

    /** Detaches every program and frees the kernel's objects. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    private void release() {
        try {
            if (!ringBuffer.equals(MemorySegment.NULL)) {
                libbpf.ringBufferFree.invokeExact(ringBuffer);
            }
            for (MemorySegment link : links) {
                int unusedResult = (int) libbpf.linkDestroy.invokeExact(link);
            }
            links.clear();
            if (!object.equals(MemorySegment.NULL)) {
                libbpf.close.invokeExact(object);
            }
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            arena.close();
        }
    }
}
