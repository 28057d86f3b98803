package vigil.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import vigil.versions.VersionScheme;

/**
 * One comparison of two version strings as matching does it (parse both, compare), on pairs shaped like the real
 * installed-versus-fixed pairs of each distribution. Reported per pair.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(8)
@State(Scope.Benchmark)
public class VersionCompareBenchmark {
    private static final String[][] DEB = {
        {"1:2.38.1-5+deb12u3", "1:2.38.1-5+deb12u2"},
        {"3.0.15-1~deb12u1", "3.0.11-1~deb12u2"},
        {"2.36-9+deb12u9", "2.36-9+deb12u10"},
        {"1.21.4-1+b1", "1.21.4-1"},
        {"7.88.1-10+deb12u8", "7.88.1-10+deb12u12"},
        {"0.9.0~rc1-2", "0.9.0-1"},
        {"252.33-1~deb12u1", "252.38-1~deb12u1"},
        {"6.1.0-3", "6.1.0-3"},
    };
    private static final String[][] RPM = {
        {"1:1.1.1k-12.el8_9", "1:1.1.1k-14.el8_6"},
        {"2.28-236.el8_9.12", "2.28-251.el8_10.2"},
        {"4.16.1.3-29.el9", "4.16.1.3-29.el9_2"},
        {"8.0.1-2.amzn2023.0.1", "8.0.1-2.amzn2023.0.2"},
        {"1.0.2k-26.el7_9", "1.0.2k-25.el7_9"},
        {"5.1.8-6.el8", "5.1.8-6.el8_1"},
        {"0:2.02-142.el8", "1:2.02-150.el8"},
        {"3.6.8-51.el8_8.2", "3.6.8-51.el8_8.2"},
    };
    private static final String[][] APK = {
        {"3.1.4-r5", "3.1.6-r0"},
        {"1.36.1-r15", "1.36.1-r19"},
        {"8.5.0-r0", "8.4.0-r1"},
        {"2.12_rc3-r1", "2.12-r0"},
        {"1.2.13_git20230502-r0", "1.2.13-r0"},
        {"0.3.1_p20230823-r2", "0.3.1_p20230823-r2"},
        {"9.4_p1-r5", "9.6_p1-r0"},
        {"1.1.1w-r1", "1.1.1t-r2"},
    };

    @Benchmark
    public void deb(Blackhole sink) {
        for (String[] pair : DEB) {
            sink.consume(VersionScheme.DEB.compare(pair[0], pair[1]));
        }
    }

    @Benchmark
    public void rpm(Blackhole sink) {
        for (String[] pair : RPM) {
            sink.consume(VersionScheme.RPM.compare(pair[0], pair[1]));
        }
    }

    @Benchmark
    public void apk(Blackhole sink) {
        for (String[] pair : APK) {
            sink.consume(VersionScheme.APK.compare(pair[0], pair[1]));
        }
    }
}
