package vigil.threats.sensor.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container's links stay in the container's root: absolute targets and {@code ..} never leave it. */
class InRootTest {
    @Test
    void linksResolveInsideTheRoot(@TempDir Path temp) throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/shadow"), "inside");
        Files.createDirectories(root.resolve("usr"));
        // an absolute link to /etc means the root's /etc, not the host's
        Files.createSymbolicLink(root.resolve("usr/conf"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../../etc"));
        assertThat(InRoot.resolve(root, "/usr/conf/shadow")).isEqualTo(root.resolve("etc/shadow"));
        assertThat(InRoot.resolve(root, "/up/shadow")).isEqualTo(root.resolve("etc/shadow"));
        assertThat(InRoot.resolve(root, "/../../etc/shadow")).isEqualTo(root.resolve("etc/shadow"));
    }

    @Test
    void theLastComponentIsNotFollowedAndLoopsStop(@TempDir Path temp) throws Exception {
        Path root = Files.createDirectories(temp.resolve("root"));
        Files.createSymbolicLink(root.resolve("last"), Path.of("/etc/passwd"));
        assertThat(InRoot.resolve(root, "/last")).isEqualTo(root.resolve("last"));
        Files.createSymbolicLink(root.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
        assertThat(InRoot.resolve(root, "/a/file")).isNull();
    }
}
