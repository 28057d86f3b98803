package vigil.versions;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the reference tools of differential tests; under CI=true a missing tool fails instead of skipping. */
final class ReferenceTools {
    private ReferenceTools() {}

    static void require(String tool, String debianPackage) {
        boolean present = Files.isExecutable(Path.of(tool));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " is missing; CI must install the Debian package " + debianPackage);
        }
        assumeTrue(present, tool + " is not installed (Debian package " + debianPackage + ")");
    }
}
