package vigil.threats.sensor;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The system calls (x86_64 numbers) the sensor records for the event types beyond exec, open and connect, by SECL
 * event type: which calls make a {@code chmod}, an {@code unlink}, a {@code ptrace}... The sensor records a call only
 * when a rule is about its event type ({@link #wanted}); the program reads the calls' paths and names as
 * {@code string_args} in {@code vigil.bpf.c} says, which must agree with {@link EventMapper}.
 */
public final class Syscalls {
    /** A call: its name and the SECL event type it makes. */
    public record Call(int nr, String name, String eventType) {}

    private static final Map<Integer, Call> BY_NR = new LinkedHashMap<>();

    static {
        add(90, "chmod", "chmod");
        add(91, "fchmod", "chmod");
        add(268, "fchmodat", "chmod");
        add(452, "fchmodat2", "chmod");
        add(92, "chown", "chown");
        add(93, "fchown", "chown");
        add(94, "lchown", "chown");
        add(260, "fchownat", "chown");
        add(87, "unlink", "unlink");
        add(263, "unlinkat", "unlink"); // AT_REMOVEDIR makes it an rmdir: EventMapper decides
        add(84, "rmdir", "rmdir");
        add(83, "mkdir", "mkdir");
        add(258, "mkdirat", "mkdir");
        add(82, "rename", "rename");
        add(264, "renameat", "rename");
        add(316, "renameat2", "rename");
        add(86, "link", "link");
        add(265, "linkat", "link");
        add(88, "symlink", "symlink");
        add(266, "symlinkat", "symlink");
        add(132, "utime", "utimes");
        add(235, "utimes", "utimes");
        add(261, "futimesat", "utimes");
        add(280, "utimensat", "utimes");
        add(188, "setxattr", "setxattr");
        add(189, "lsetxattr", "setxattr");
        add(190, "fsetxattr", "setxattr");
        add(197, "removexattr", "removexattr");
        add(198, "lremovexattr", "removexattr");
        add(199, "fremovexattr", "removexattr");
        add(80, "chdir", "chdir");
        add(81, "fchdir", "chdir");
        add(101, "ptrace", "ptrace");
        add(321, "bpf", "bpf");
        add(175, "init_module", "load_module");
        add(313, "finit_module", "load_module");
        add(176, "delete_module", "unload_module");
        add(105, "setuid", "setuid");
        add(113, "setreuid", "setuid");
        add(117, "setresuid", "setuid");
        add(122, "setfsuid", "setuid");
        add(106, "setgid", "setgid");
        add(114, "setregid", "setgid");
        add(119, "setresgid", "setgid");
        add(123, "setfsgid", "setgid");
        add(126, "capset", "capset");
        add(165, "mount", "mount");
        add(62, "kill", "signal");
        add(200, "tkill", "signal");
        add(234, "tgkill", "signal");
        add(157, "prctl", "prctl");
        add(275, "splice", "splice");
        add(9, "mmap", "mmap");
        add(10, "mprotect", "mprotect");
        add(54, "setsockopt", "setsockopt");
        add(49, "bind", "bind");
        add(41, "socket", "socket");
        add(272, "unshare", "unshare");
        add(32, "dup", "dup");
        add(33, "dup2", "dup");
        add(292, "dup3", "dup");
        add(308, "setns", "setns");
        add(323, "userfaultfd", "userfaultfd");
        add(160, "setrlimit", "setrlimit");
        add(302, "prlimit64", "setrlimit");
    }

    private Syscalls() {}

    private static void add(int nr, String name, String eventType) {
        BY_NR.put(nr, new Call(nr, name, eventType));
    }

    /** The call with number {@code nr}, or null when the sensor does not record it. */
    public static @org.jspecify.annotations.Nullable Call call(int nr) {
        return BY_NR.get(nr);
    }

    public static String name(int nr) {
        Call call = BY_NR.get(nr);
        return call == null ? "syscall " + nr : call.name();
    }

    /** The event types the recorded calls make (besides exec, fork, exit, open and connect). */
    public static Set<String> eventTypes() {
        Set<String> types = new TreeSet<>();
        BY_NR.values().forEach(call -> types.add(call.eventType()));
        return types;
    }

    /**
     * The calls to record for rules about {@code eventTypes}: each type's calls ({@code unlink} brings {@code
     * unlinkat}, which also makes {@code rmdir}; {@code rmdir} brings it too).
     */
    public static Set<Integer> wanted(Collection<String> eventTypes) {
        Set<Integer> calls = new TreeSet<>();
        for (Call call : BY_NR.values()) {
            if (eventTypes.contains(call.eventType()) || (call.nr() == 263 && eventTypes.contains("rmdir"))) {
                calls.add(call.nr());
            }
        }
        return calls;
    }
}
