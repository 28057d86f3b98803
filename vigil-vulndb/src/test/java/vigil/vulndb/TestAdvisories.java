package vigil.vulndb;

import java.nio.file.Path;

/** Paths to the shared advisory fixtures. */
final class TestAdvisories {
    static final Path ROOT = Path.of(System.getProperty("vigil.fixtures", "fixtures"), "vulns", "advisories");

    private TestAdvisories() {}
}
