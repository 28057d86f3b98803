package vigil.threats.sensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A process's environment as rules read it ({@code process.envs}): the variables' names, since values are where
 * secrets live (tokens, passwords), except for the few whose values say how a program will load and run, kept as
 * {@code NAME=value} (Datadog's {@code envs_with_value}: {@code exec.envs in [~"LD_PRELOAD=*}{@code /tmp/*"]}). A
 * value that is not kept never leaves the record it was read from: not in an event, a signal or a log.
 */
public final class Environments {
    /** The variables whose values are kept. */
    static final Set<String> WITH_VALUE = Set.of(
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LD_AUDIT",
            "GLIBC_TUNABLES",
            "PATH",
            "SHELL",
            "HISTFILE",
            "HISTSIZE",
            "HISTFILESIZE");

    /** At most this many variables are kept (the sensor reads 4,095 bytes of an environment). */
    static final int MAX = 512;

    private Environments() {}

    /**
     * The environment's {@code NAME=value} strings as rules read them; {@code cut} says the last string may be partial
     * (the read stopped in it), and it is then left out rather than read as another name.
     */
    public static List<String> forRules(List<String> environment, boolean cut) {
        int end = cut && !environment.isEmpty() ? environment.size() - 1 : environment.size();
        List<String> kept = new ArrayList<>(Math.min(end, MAX));
        for (int i = 0; i < end && kept.size() < MAX; i++) {
            String entry = environment.get(i);
            int equals = entry.indexOf('=');
            String name = equals < 0 ? entry : entry.substring(0, equals);
            if (name.isEmpty()) {
                continue;
            }
            kept.add(WITH_VALUE.contains(name) ? entry : name);
        }
        return kept;
    }
}
