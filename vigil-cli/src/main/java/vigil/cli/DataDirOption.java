package vigil.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --data-dir} and {@code --offline}, shared by every command that touches the advisory database. */
final class DataDirOption {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Directory for the advisory database and caches (default: $VIGIL_HOME, else ~/.vigil).")
    @Nullable
    Path dataDir;

    @Option(
            names = "--offline",
            description = "Never touch the network; use the database already in the data directory.")
    boolean offline;

    Path resolve() {
        if (dataDir != null) {
            return dataDir.toAbsolutePath();
        }
        String home = System.getenv("VIGIL_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".vigil");
    }
}
