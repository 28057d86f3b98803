package vigil.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import vigil.threats.sensor.TraceListener;

/** {@code --trace-socket}, shared by the commands that run the threat sensor ({@code --sensor trace}, ADR 0053). */
final class TraceSocketOption {
    @Option(
            names = "--trace-socket",
            paramLabel = "PATH",
            description = "With --sensor trace: the socket vigil-trace launchers connect to (default:"
                    + " $VIGIL_TRACE_SOCKET, else /var/run/vigil/trace.sock).")
    @Nullable
    Path traceSocket;

    /** The option, else {@code $VIGIL_TRACE_SOCKET}, else the launcher's default. */
    Path resolve() {
        if (traceSocket != null) {
            return traceSocket;
        }
        String env = System.getenv("VIGIL_TRACE_SOCKET");
        return env == null || env.isBlank() ? TraceListener.DEFAULT_SOCKET : Path.of(env);
    }
}
