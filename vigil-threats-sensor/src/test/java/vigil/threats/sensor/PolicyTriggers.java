package vigil.threats.sensor;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import vigil.threats.rules.event.Event;
import vigil.threats.rules.event.FieldCatalog;

/**
 * What the kernel tests of whole policies share (BuiltInPolicyIT, DefaultPolicyIT): running a trigger, reading a
 * match's event, and waiting for the match.
 */
final class PolicyTriggers {
    static final FieldCatalog CATALOG = FieldCatalog.linux();

    private PolicyTriggers() {}

    /** Runs a command to its end, its output discarded; returns its pid. */
    static long run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.waitFor();
        return process.pid();
    }

    static long number(Event event, String field) {
        return CATALOG.find(field).map(event::value).orElse(null) instanceof long[] v && v.length > 0 ? v[0] : -1;
    }

    static String text(Event event, String field) {
        return CATALOG.find(field).map(event::value).orElse(null) instanceof String[] v && v.length > 0 ? v[0] : "";
    }

    static List<String> texts(Event event, String field) {
        return CATALOG.find(field).map(event::value).orElse(null) instanceof String[] v ? List.of(v) : List.of();
    }

    /**
     * The first of {@code seen} (filled by the sensor's thread) that {@code wanted} accepts, waited for (10 s); else
     * an assertion error saying {@code what} and listing the ones {@code shown} accepts, as {@code describe} gives them.
     */
    static <T> T await(List<T> seen, Predicate<T> wanted, Predicate<T> shown, String what, Function<T, String> describe)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (T one : seen) {
                if (wanted.test(one)) {
                    return one;
                }
            }
            Thread.sleep(20);
        }
        List<String> listed = new ArrayList<>();
        seen.stream().filter(shown).forEach(one -> listed.add(describe.apply(one)));
        throw new AssertionError(what + "; seen: " + listed);
    }
}
