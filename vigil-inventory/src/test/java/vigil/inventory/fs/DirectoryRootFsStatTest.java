package vigil.inventory.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.FileStat;

class DirectoryRootFsStatTest {
    @TempDir
    Path root;

    @TempDir
    Path outside;

    @Test
    void statSaysKindModeAndOwnerOfWhatThePathResolvesToInsideTheRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Path shadow = Files.writeString(root.resolve("etc/shadow"), "root:*:19000::::::\n");
        Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(root.resolve("etc/link"), Path.of("/etc/shadow"));
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "test root")) {
            FileStat stat = fs.stat("/etc/shadow").orElseThrow();
            assertThat(stat.kind()).isEqualTo(FileStat.Kind.FILE);
            assertThat(stat.octal()).isEqualTo("0640");
            assertThat(stat.size()).isEqualTo(19);
            assertThat(stat.uid()).isEqualTo((Integer) Files.getAttribute(shadow, "unix:uid"));
            assertThat(fs.stat("/etc/link")).contains(stat);
            assertThat(fs.stat("/etc").orElseThrow().kind()).isEqualTo(FileStat.Kind.DIRECTORY);
            assertThat(fs.stat("/").orElseThrow().kind()).isEqualTo(FileStat.Kind.DIRECTORY);
            assertThat(fs.stat("/etc/missing")).isEmpty();
        }
    }

    @Test
    void aLinkOutOfTheRootIsReadInsideIt() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret"), "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(root.resolve("escape"), secret);
        Files.createSymbolicLink(root.resolve("dots"), Path.of("../../../../" + outside.getFileName() + "/secret"));
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "test root")) {
            assertThat(fs.stat("/escape")).isEmpty();
            assertThat(fs.stat("/dots")).isEmpty();
        }
    }
}
