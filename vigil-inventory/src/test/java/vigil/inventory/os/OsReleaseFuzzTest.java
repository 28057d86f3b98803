package vigil.inventory.os;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import vigil.inventory.OsDetection;
import vigil.inventory.fs.DirectoryRootFs;

/** Arbitrary release files: an OS, or "unknown" with a reason; never an exception. */
class OsReleaseFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void releaseFilesNeverThrow(byte[] osRelease) throws IOException {
        Path root = Files.createTempDirectory("vigil-os-fuzz");
        try {
            Files.createDirectories(root.resolve("etc"));
            Files.write(root.resolve("etc/os-release"), osRelease);
            Files.write(root.resolve("etc/redhat-release"), osRelease);
            OsDetection detection = OsDetector.detect(new DirectoryRootFs(root, "fuzz"));
            assertThat(detection.support().reason()).isNotBlank();
        } finally {
            for (String file : new String[] {"etc/os-release", "etc/redhat-release", "etc"}) {
                Files.deleteIfExists(root.resolve(file));
            }
            Files.deleteIfExists(root);
        }
    }
}
