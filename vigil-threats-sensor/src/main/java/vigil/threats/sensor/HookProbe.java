package vigil.threats.sensor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which kinds of BPF hook this kernel loads and attaches, found by trying a program of each kind that does nothing
 * ({@code src/main/bpf/hooks.bpf.c}, ADR 0050), one at a time: loaded, attached, detached. Kernels differ: this one
 * runs tracepoints and refuses kprobes, fentry/fexit and BPF-LSM; others allow all. The sensor asks before it loads
 * its own programs, and {@code vigil agent check} shows the verdicts.
 */
public final class HookProbe {
    static final String OBJECT = "hooks.bpf.o";

    /** A kind of hook: its section prefix, the probe's program for it, and what it would give the sensor. */
    public enum Hook {
        TP_BTF("tp_btf", "probe_tp_btf", "BTF-typed tracepoints: the sensor's programs"),
        RAW_TP("raw_tp", "probe_raw_tp", "raw tracepoints"),
        TRACEPOINT("tracepoint", "probe_tracepoint", "tracefs tracepoints"),
        KPROBE("kprobe", "probe_kprobe", "kprobes"),
        FENTRY("fentry", "probe_fentry", "BPF trampolines on function entry"),
        FEXIT("fexit", "probe_fexit", "BPF trampolines on function exit: the opened file"),
        LSM("lsm", "probe_lsm", "BPF-LSM: file_open with the opened file, no system-call slow path");

        private final String wire;
        private final String program;
        private final String gives;

        Hook(String wire, String program, String gives) {
            this.wire = wire;
            this.program = program;
            this.gives = gives;
        }

        /** As libbpf's section names spell it ({@code tp_btf}, {@code fentry}, …). */
        public String wire() {
            return wire;
        }

        public String gives() {
            return gives;
        }
    }

    /** One kind of hook: it works (no refusal), or why not, in words a user can act on. */
    public record Verdict(Hook hook, @Nullable String refusal) {
        public boolean works() {
            return refusal == null;
        }
    }

    /** The sensor's programs are of this kind; the better kinds above (LSM, fexit) are not built (ADR 0049). */
    public static final Hook SENSOR = Hook.TP_BTF;

    private final Libbpf libbpf;
    private final Path lsmList;

    HookProbe(Libbpf libbpf, Path lsmList) {
        this.libbpf = libbpf;
        this.lsmList = lsmList;
    }

    /**
     * Every kind of hook tried on this kernel, in {@link Hook} order. Never throws: where nothing can be tried (no
     * libbpf, the probe's object missing), every verdict says why.
     */
    public static List<Verdict> run() {
        Libbpf libbpf;
        byte[] object;
        try {
            libbpf = Libbpf.load();
            object = objectBytes();
        } catch (SensorException | LinkageError e) {
            List<Verdict> none = new ArrayList<>();
            for (Hook hook : Hook.values()) {
                none.add(new Verdict(hook, "not tried: " + e.getMessage()));
            }
            return List.copyOf(none);
        }
        return run(libbpf, object);
    }

    /** The same with libbpf loaded already (the sensor's start). */
    static List<Verdict> run(Libbpf libbpf) {
        return run(libbpf, objectBytes());
    }

    private static List<Verdict> run(Libbpf libbpf, byte[] object) {
        return new HookProbe(libbpf, Path.of("/sys/kernel/security/lsm")).tryAll(object);
    }

    List<Verdict> tryAll(byte[] object) {
        List<Verdict> verdicts = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libbpf.callState(arena);
            MemorySegment unusedPrevious = (MemorySegment) libbpf.setPrint.invokeExact(MemorySegment.NULL);
            MemorySegment buffer = arena.allocate(object.length, 8);
            buffer.copyFrom(MemorySegment.ofArray(object));
            boolean privileged = true;
            for (Hook hook : Hook.values()) {
                String refusal = tryOne(hook, buffer, object.length, state, privileged);
                if (hook == Hook.TP_BTF && refusal != null && refusal.contains("EPERM")) {
                    privileged = false; // the first kind refused for privilege: the others are too, for the same reason
                }
                verdicts.add(new Verdict(hook, refusal));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        return List.copyOf(verdicts);
    }

    /** Null when {@code hook}'s program loads and attaches; else the step that failed and why. */
    private @Nullable String tryOne(Hook hook, MemorySegment buffer, long size, MemorySegment state, boolean privileged)
            throws Throwable {
        MemorySegment object = (MemorySegment) libbpf.openMem.invokeExact(state, buffer, size, MemorySegment.NULL);
        if (object.equals(MemorySegment.NULL)) {
            return "libbpf could not open the probe's program (" + errnoName(Libbpf.errno(state)) + ")";
        }
        try {
            MemorySegment wanted = MemorySegment.NULL;
            for (MemorySegment program = (MemorySegment) libbpf.nextProgram.invokeExact(object, MemorySegment.NULL);
                    !program.equals(MemorySegment.NULL);
                    program = (MemorySegment) libbpf.nextProgram.invokeExact(object, program)) {
                boolean mine = Libbpf.string((MemorySegment) libbpf.programName.invokeExact(program))
                        .equals(hook.program);
                int unusedResult = (int) libbpf.setAutoload.invokeExact(program, mine);
                if (mine) {
                    wanted = program;
                }
            }
            if (wanted.equals(MemorySegment.NULL)) {
                return "the probe's program has no " + hook.program;
            }
            int loaded = (int) libbpf.load.invokeExact(state, object);
            if (loaded != 0) {
                return "load: " + explain(hook, -loaded, privileged);
            }
            MemorySegment link = (MemorySegment) libbpf.attach.invokeExact(state, wanted);
            if (link.equals(MemorySegment.NULL)) {
                return "attach: " + explain(hook, Libbpf.errno(state), privileged);
            }
            int unusedResult = (int) libbpf.linkDestroy.invokeExact(link);
            if (hook == Hook.LSM) {
                String active = activeLsms();
                if (active != null && !List.of(active.split(",")).contains("bpf")) {
                    return "attached, but bpf is not among the kernel's active security modules (" + active
                            + "): its programs would never run; add bpf to the lsm= boot parameter";
                }
            }
            return null;
        } finally {
            libbpf.close.invokeExact(object);
        }
    }

    private @Nullable String activeLsms() {
        try {
            return Files.readString(lsmList, StandardCharsets.US_ASCII).trim();
        } catch (IOException | SecurityException e) {
            return null; // securityfs not mounted: cannot tell
        }
    }

    /** The error with what it most likely means for this kind of hook. */
    static String explain(Hook hook, int errno, boolean privileged) {
        String name = errnoName(errno);
        if (errno == 1 && (!privileged || hook == Hook.TP_BTF)) {
            return name + ": run as root, or with CAP_BPF and CAP_PERFMON";
        }
        String meaning = switch (hook) {
            case TP_BTF -> "this kernel is older than 5.5 or has no BTF (/sys/kernel/btf/vmlinux)";
            case RAW_TP -> "this kernel is older than 4.17";
            case TRACEPOINT -> errno == 2 ? "tracefs has no syscalls/sys_enter_openat (is tracefs mounted?)" : "";
            case KPROBE ->
                errno == 2
                        ? "this kernel offers no kprobe events (CONFIG_KPROBE_EVENTS) or cannot probe do_filp_open"
                        : "";
            case FENTRY, FEXIT ->
                errno == 1 || errno == 95 || errno == 524
                        ? "this kernel refuses BPF trampolines although it loads tracepoints (they need"
                                + " CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS and function tracing allowed)"
                        : errno == 3 ? "do_filp_open is not in the kernel's BTF" : "";
            case LSM ->
                errno == 1 || errno == 95 || errno == 524
                        ? "this kernel refuses BPF-LSM programs (CONFIG_BPF_LSM, and bpf in the lsm= boot parameter)"
                        : "";
        };
        return meaning.isEmpty() ? name : name + ": " + meaning;
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM, operation not permitted";
            case 2 -> "ENOENT, not found";
            case 3 -> "ESRCH, no such function";
            case 7 -> "E2BIG, too big";
            case 12 -> "ENOMEM, out of memory";
            case 13 -> "EACCES, refused by the verifier";
            case 16 -> "EBUSY, busy";
            case 22 -> "EINVAL, invalid argument";
            case 95, 524 -> "EOPNOTSUPP, not supported";
            default -> "errno " + errno;
        };
    }

    /**
     * The verdicts as lines for people: the kinds that work and which one the sensor uses, then each refused kind
     * with why.
     */
    public static List<String> describe(List<Verdict> verdicts) {
        List<String> lines = new ArrayList<>();
        List<String> working = verdicts.stream()
                .filter(Verdict::works)
                .map(v -> v.hook().wire())
                .toList();
        boolean sensorWorks = verdicts.stream().anyMatch(v -> v.hook() == SENSOR && v.works());
        lines.add("kernel hooks that load and attach here: " + (working.isEmpty() ? "none" : String.join(", ", working))
                + (sensorWorks
                        ? "; the sensor uses " + SENSOR.wire()
                        : "; the sensor needs " + SENSOR.wire() + ", refused here"));
        for (Verdict verdict : verdicts) {
            if (!verdict.works()) {
                lines.add(verdict.hook().wire() + " refused (" + verdict.hook().gives() + "): " + verdict.refusal());
            }
        }
        return List.copyOf(lines);
    }

    /** The verdicts in one line: the kinds that work, the kinds refused (their reasons are {@link #describe}'s). */
    public static String summary(List<Verdict> verdicts) {
        List<String> working = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            (verdict.works() ? working : refused).add(verdict.hook().wire());
        }
        return (working.isEmpty() ? "none works" : String.join(", ", working) + " work")
                + (refused.isEmpty() ? "" : "; " + String.join(", ", refused) + " refused");
    }

    /** Null when the sensor's kind of hook works here; else why the sensor cannot load, with what does work. */
    public static @Nullable String whyNotTheSensor(List<Verdict> verdicts) {
        for (Verdict verdict : verdicts) {
            if (verdict.hook() == SENSOR && !verdict.works()) {
                List<String> working = verdicts.stream()
                        .filter(Verdict::works)
                        .map(v -> v.hook().wire())
                        .toList();
                return "the sensor's programs are " + SENSOR.wire() + " tracepoints, which this kernel refuses ("
                        + verdict.refusal() + ")"
                        + (working.isEmpty()
                                ? ""
                                : "; it allows " + String.join(", ", working)
                                        + ", which the sensor has no programs for");
            }
        }
        return null;
    }

    private static byte[] objectBytes() {
        try (InputStream in = HookProbe.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new SensorException(
                        "the hook probe's program " + OBJECT + " is missing from the build: run scripts/build-bpf.sh");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SensorException("cannot read the hook probe's program " + OBJECT + ": " + e.getMessage());
        }
    }
}
