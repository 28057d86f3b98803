package vigil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs the built jar as a user does: {@code java -jar target/vigil-cli.jar ARGS}. */
final class BuiltJar {
    private BuiltJar() {}

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-jar",
                Path.of("target", "vigil-cli.jar").toString()));
        command.addAll(List.of(args));
        return command;
    }
}
