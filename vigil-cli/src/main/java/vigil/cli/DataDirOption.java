package vigil.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code --data-dir} and {@code --offline}, shared by every command that touches the advisory database. */
final class DataDirOption {
    private static final String DATA_DIR = "--data-dir";
    private static final String DATA_DIR_LABEL = "DIR";
    private static final String DATA_DIR_DESCRIPTION =
            "Directory for the advisory database and caches (default: $VIGIL_HOME, else ~/.vigil).";
    private static final String OFFLINE = "--offline";
    private static final String OFFLINE_DESCRIPTION =
            "Never touch the network; use the database already in the data directory.";

    @Option(names = DATA_DIR, paramLabel = DATA_DIR_LABEL, description = DATA_DIR_DESCRIPTION)
    @Nullable
    Path dataDir;

    @Option(names = OFFLINE, description = OFFLINE_DESCRIPTION)
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

    /** The same two options for a command built in code ({@link CommandSpecs}), and their values once parsed. */
    record Specs(OptionSpec dataDir, OptionSpec offline) {
        static Specs create() {
            return new Specs(
                    CommandSpecs.option(Path.class, null, DATA_DIR_LABEL, DATA_DIR_DESCRIPTION, DATA_DIR),
                    CommandSpecs.flag("offline", OFFLINE_DESCRIPTION, OFFLINE));
        }

        DataDirOption values() {
            DataDirOption values = new DataDirOption();
            values.dataDir = dataDir.getValue();
            values.offline = offline.<Boolean>getValue();
            return values;
        }
    }
}
