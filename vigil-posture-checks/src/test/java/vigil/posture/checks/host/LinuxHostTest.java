package vigil.posture.checks.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vigil.inventory.fs.DirectoryRootFs;
import vigil.posture.model.Resource;

class LinuxHostTest {
    @TempDir
    Path root;

    @TempDir
    Path outside;

    private Path write(String path, String text) throws Exception {
        Path file = root.resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private Map<String, Resource> read() throws Exception {
        try (DirectoryRootFs fs = new DirectoryRootFs(root, "test root")) {
            vigil.posture.checks.Resolved read = LinuxHost.read(fs, null, "h");
            return read.resources().stream()
                    .collect(java.util.stream.Collectors.toMap(Resource::id, r -> r, (a, b) -> a));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sshdSettingsAreReadAsSshdReadsThem() throws Exception {
        write("/etc/ssh/sshd_config", """
                # comments and blank lines are skipped

                Include /etc/ssh/sshd_config.d/*.conf
                PermitRootLogin yes
                maxauthtries=3
                Match User backup
                    PermitRootLogin no
                    X11Forwarding yes
                """);
        write("/etc/ssh/sshd_config.d/10-hardening.conf", "PermitRootLogin no\nBanner \"/etc/issue.net\"\n");
        write("/etc/ssh/sshd_config.d/ignored.txt", "IgnoreRhosts no\n");
        write("/usr/sbin/sshd", "");
        Resource sshd = read().get("h:/etc/ssh/sshd_config");
        Map<String, Object> settings = (Map<String, Object>) sshd.attributes().get("settings");
        // the drop-in comes first (Include is above), so its PermitRootLogin wins; Match blocks are not global
        assertThat(settings)
                .containsEntry("permitrootlogin", "no")
                .containsEntry("maxauthtries", "3")
                .containsEntry("banner", "/etc/issue.net")
                .doesNotContainKeys("x11forwarding", "ignorerhosts");
        assertThat((Map<String, Object>) sshd.attributes().get("sources"))
                .containsEntry("permitrootlogin", "/etc/ssh/sshd_config.d/10-hardening.conf:1");
        assertThat(sshd.attributes()).containsEntry("installed", true).containsEntry("match_blocks", 1L);
    }

    @Test
    void anIncludeCycleEnds() throws Exception {
        write("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config\nPermitRootLogin no\n");
        assertThat(read().get("h:/etc/ssh/sshd_config").attributes().get("settings"))
                .isEqualTo(Map.of("permitrootlogin", "no"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void sysctlDefinitionsAreKeptPerFileAndLoginDefsTakesTheLastValue() throws Exception {
        write("/usr/lib/sysctl.d/50-default.conf", "kernel/randomize_va_space = 2\n");
        write("/etc/sysctl.d/99-local.conf", "; comment\n-kernel.randomize_va_space=0\nfs.suid_dumpable = 0\n");
        write("/etc/login.defs", "PASS_MAX_DAYS 99999\n# PASS_MAX_DAYS 1\nPASS_MAX_DAYS 90\n");
        Map<String, Resource> resources = read();
        Map<String, Object> definitions =
                (Map<String, Object>) resources.get("h:sysctl").attributes().get("definitions");
        assertThat((List<Map<String, Object>>) definitions.get("kernel.randomize_va_space"))
                .extracting(d -> d.get("value") + " " + d.get("file"))
                .containsExactly("2 /usr/lib/sysctl.d/50-default.conf:1", "0 /etc/sysctl.d/99-local.conf:2");
        assertThat(resources.get("h:sysctl").attributes()).doesNotContainKey("runtime");
        assertThat((Map<String, Object>)
                        resources.get("h:/etc/login.defs").attributes().get("settings"))
                .containsEntry("PASS_MAX_DAYS", "90");
    }

    @Test
    @SuppressWarnings("unchecked")
    void accountsModulesAndFilesAreReadInsideTheRoot() throws Exception {
        write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n");
        write("/etc/shadow", "root:*:19000:0:99999:7:::\ntoor::19000:0:99999:7:::\n");
        write("/etc/group", "root:x:0:\nshadow:x:42:\n");
        write("/etc/modprobe.d/cis.conf", "install tipc /bin/false\nblacklist rds\ninstall dccp /bin/false # no\n");
        Path secret = Files.writeString(outside.resolve("shadow"), "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.delete(root.resolve("etc/shadow"));
        Files.createSymbolicLink(root.resolve("etc/shadow"), secret);
        Map<String, Resource> resources = read();
        List<Map<String, Object>> users = (List<Map<String, Object>>)
                resources.get("h:accounts").attributes().get("users");
        assertThat(users).extracting(u -> u.get("name") + ":" + u.get("uid")).containsExactly("root:0", "toor:0");
        assertThat((Map<String, Object>) resources.get("h:modules").attributes().get("install_disabled"))
                .containsOnlyKeys("tipc");
        assertThat((Map<String, Object>) resources.get("h:modules").attributes().get("blacklisted"))
                .containsOnlyKeys("rds");
        // a link out of the root is followed inside it, where nothing is: the real file is never examined
        assertThat(resources.get("h:/etc/shadow").attributes()).containsEntry("exists", false);
        assertThat(resources.get("h:/etc/passwd").attributes()).containsEntry("exists", true);
    }
}
