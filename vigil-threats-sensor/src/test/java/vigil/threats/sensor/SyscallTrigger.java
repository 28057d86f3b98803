package vigil.threats.sensor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Makes the system calls no shell command makes, in a process of its own (the sensor skips the process it runs in):
 * {@code bpf-prog-load} loads a two-instruction socket filter, {@code ptrace-attach PID} attaches to a process and
 * detaches, {@code prctl-name NAME} renames the thread, {@code init-module-garbage} asks the kernel to load
 * a module of zeros (refused: nothing is loaded). Run as {@code java -cp test-classes ...SyscallTrigger}.
 */
public final class SyscallTrigger {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle PTRACE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("ptrace").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
            Linker.Option.firstVariadicArg(1));

    private SyscallTrigger() {}

    public static void main(String[] args) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            switch (args[0]) {
                case "bpf-prog-load" -> {
                    // r0 = 0; exit: the smallest program the verifier takes
                    MemorySegment insns = arena.allocate(16, 8);
                    insns.set(JAVA_LONG, 0, 0x00000000000000b7L);
                    insns.set(JAVA_LONG, 8, 0x0000000000000095L);
                    MemorySegment license = arena.allocateFrom("GPL");
                    MemorySegment attr = arena.allocate(128, 8);
                    attr.set(JAVA_INT, 0, 1); // BPF_PROG_TYPE_SOCKET_FILTER
                    attr.set(JAVA_INT, 4, 2); // insn_cnt
                    attr.set(JAVA_LONG, 8, insns.address());
                    attr.set(JAVA_LONG, 16, license.address());
                    long fd = (long) SYSCALL.invokeExact(321L, 5L, attr.address(), 128L);
                    System.out.println("bpf " + fd);
                }
                case "ptrace-attach" -> {
                    int pid = Integer.parseInt(args[1]);
                    long attached = (long) PTRACE.invokeExact(16, pid, MemorySegment.NULL, MemorySegment.NULL);
                    Thread.sleep(100);
                    long detached = (long) PTRACE.invokeExact(17, pid, MemorySegment.NULL, MemorySegment.NULL);
                    System.out.println("ptrace " + attached + " " + detached);
                }
                case "prctl-name" -> {
                    MemorySegment name = arena.allocateFrom(args[1]);
                    long result = (long) SYSCALL.invokeExact(157L, 15L, name.address(), 0L);
                    System.out.println("prctl " + result);
                }
                case "init-module-garbage" -> {
                    // 4 KiB of zeros is no module: the kernel refuses it (ENOEXEC), after the call was made
                    MemorySegment image = arena.allocate(4096, 8);
                    MemorySegment params = arena.allocateFrom("");
                    long result = (long) SYSCALL.invokeExact(175L, image.address(), 4096L, params.address());
                    System.out.println("init_module " + result);
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }
}
