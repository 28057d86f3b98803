package vigil.threats.sensor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The few functions of libbpf 1.x ({@code libbpf.so.1}, Debian's {@code libbpf1}) the sensor calls, through Java's
 * FFM API. libbpf reports a failure by a null pointer or a negative number and sets {@code errno}; each handle that
 * can fail captures it, so that an error says what the kernel said.
 */
final class Libbpf {
    /** Where distributions install it; the first found is used. */
    private static final List<String> PLACES = List.of(
            "/usr/lib/x86_64-linux-gnu/libbpf.so.1",
            "/usr/lib64/libbpf.so.1",
            "/usr/lib/libbpf.so.1",
            "/lib/x86_64-linux-gnu/libbpf.so.1");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    final MethodHandle openMem;
    final MethodHandle load;
    final MethodHandle close;
    final MethodHandle nextProgram;
    final MethodHandle programName;
    final MethodHandle setAutoload;
    final MethodHandle attach;
    final MethodHandle linkDestroy;
    final MethodHandle nextMap;
    final MethodHandle mapName;
    final MethodHandle mapFd;
    final MethodHandle mapInitialValue;
    final MethodHandle mapLookup;
    final MethodHandle mapUpdate;
    final MethodHandle ringBufferNew;
    final MethodHandle ringBufferPoll;
    final MethodHandle ringBufferConsume;
    final MethodHandle ringBufferFree;
    final MethodHandle setPrint;
    final MethodHandle possibleCpus;

    private Libbpf(SymbolLookup library) {
        Linker.Option errno = Linker.Option.captureCallState("errno");
        openMem = handle(
                library, "bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), errno);
        load = handle(library, "bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS), errno);
        close = handle(library, "bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
        nextProgram = handle(library, "bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        programName = handle(library, "bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        setAutoload =
                handle(library, "bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
        attach = handle(library, "bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS), errno);
        linkDestroy = handle(library, "bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nextMap = handle(library, "bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mapName = handle(library, "bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        mapFd = handle(library, "bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mapInitialValue = handle(library, "bpf_map__initial_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mapLookup = handle(
                library, "bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errno);
        mapUpdate = handle(
                library,
                "bpf_map_update_elem",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
                errno);
        ringBufferNew = handle(
                library,
                "ring_buffer__new",
                FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                errno);
        ringBufferPoll = handle(library, "ring_buffer__poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        ringBufferConsume = handle(library, "ring_buffer__consume", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        ringBufferFree = handle(library, "ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS));
        setPrint = handle(library, "libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
        possibleCpus = handle(library, "libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
    }

    private static MethodHandle handle(
            SymbolLookup library, String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = library.find(name)
                .orElseThrow(() -> new SensorException("libbpf has no " + name + ": libbpf 1.0 or later is needed"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** libbpf from its usual places; a clear exception when it is not installed. */
    static Libbpf load() {
        for (String place : PLACES) {
            if (Files.isRegularFile(Path.of(place))) {
                return new Libbpf(SymbolLookup.libraryLookup(Path.of(place), Arena.global()));
            }
        }
        throw new SensorException("libbpf.so.1 is not installed (looked in " + String.join(", ", PLACES)
                + "): install Debian's libbpf1 (apt-get install libbpf1)");
    }

    /** Scratch for the errno a call captures. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** A C string from a pointer libbpf returned (or "" for null). */
    static String string(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL)
                ? ""
                : pointer.reinterpret(4096).getString(0);
    }

    static final ValueLayout.OfLong U64 = JAVA_LONG;
}
