package vigil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code vigil version}: the version of this build. */
@Command(name = "version", description = "Print Vigil's version.")
final class VersionCommand implements Callable<Integer> {
    static final String VERSION = "0.1.0-SNAPSHOT";

    @Override
    public Integer call() {
        System.out.println("vigil " + VERSION);
        return 0;
    }

    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vigil " + VERSION};
        }
    }
}
