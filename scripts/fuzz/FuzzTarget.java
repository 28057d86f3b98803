import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one JUnit method (a Jazzer fuzz target when JAZZER_FUZZ=1) on a module's test class path, without Maven:
 * {@code scripts/fuzz.sh} starts one JVM per target, and Maven's own start-up was most of each target's time.
 * Exits 0 when the method passed, 1 when it failed or was not found.
 *
 * <p>Usage: {@code java -cp CLASSPATH scripts/fuzz/FuzzTarget.java fully.qualified.Class method}
 */
public final class FuzzTarget {
    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length != 2) {
            System.err.println("usage: FuzzTarget <class> <method>");
            System.exit(2);
        }
        // by name, whatever its parameters (a fuzz target takes the fuzzer's data), as surefire's -Dtest=Class#method
        Class<?> type = Class.forName(args[0]);
        Method target = Arrays.stream(type.getDeclaredMethods())
                .filter(method -> method.getName().equals(args[1]))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no method " + args[1] + " in " + args[0]));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(type, target))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 40);
        System.out.printf(
                "%s#%s: %d found, %d succeeded, %d failed, %d aborted%n",
                args[0],
                args[1],
                summary.getTestsFoundCount(),
                summary.getTestsSucceededCount(),
                summary.getTotalFailureCount(),
                summary.getTestsAbortedCount());
        boolean passed = summary.getTestsFoundCount() > 0
                && summary.getTotalFailureCount() == 0
                && summary.getTestsAbortedCount() == 0;
        System.exit(passed ? 0 : 1);
    }
}
