package vigil.threats.sensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The {@code vigil-trace} launcher (ADR 0053): a static x86_64 Linux program built from
 * {@code src/main/trace/vigil-trace.c} by {@code scripts/build-bpf.sh} and kept beside the sensor's eBPF object, which
 * {@code vigil threats install-trace} writes where a workload can run it.
 */
public final class TraceLauncher {
    static final String RESOURCE = "vigil-trace";

    private TraceLauncher() {}

    /** Writes the launcher into {@code dir} (made when missing) as {@code vigil-trace}, executable by all. */
    public static Path install(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve("vigil-trace");
        Path partial = dir.resolve(".vigil-trace.partial");
        try (InputStream in = TraceLauncher.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("this build has no vigil-trace launcher (scripts/build-bpf.sh makes it)");
            }
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
        // whole or not at all: a workload starting meanwhile never runs half a launcher
        return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
