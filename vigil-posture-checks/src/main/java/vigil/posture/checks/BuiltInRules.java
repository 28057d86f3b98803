package vigil.posture.checks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import vigil.posture.rule.RuleFiles;

/**
 * The rules Vigil ships (the Linux baseline, and later CIS Docker and Kubernetes), read from the class path, plus
 * any custom rule directories. Files are named {@code builtin:NAME.yaml} in problems and in {@code rules test}.
 */
public final class BuiltInRules {
    private static final String BASE = "/vigil/posture/checks/rules/";

    private BuiltInRules() {}

    /** The built-in files' names, in load order. */
    public static List<String> files() {
        return read(BASE + "index")
                .lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
    }

    /** The built-in rules, then every custom directory's, as one read: ids must be unique across all of them. */
    public static RuleFiles.Read load(List<Path> customDirectories) throws IOException {
        RuleFiles files = new RuleFiles();
        for (String name : files()) {
            files.text("builtin:" + name, read(BASE + name).getBytes(StandardCharsets.UTF_8));
        }
        for (Path directory : customDirectories) {
            files.directory(directory);
        }
        return files.read();
    }

    private static String read(String resource) {
        try (InputStream in = BuiltInRules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the built-in rule file " + resource + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
