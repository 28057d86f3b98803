package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCacheTest {
    private static void process(Path proc, int pid, int ppid, String comm, String exe, String cmdline, int uid)
            throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid + " " + pid + " 0 0 -1\n");
        Files.writeString(
                dir.resolve("status"),
                "Name:\t" + comm + "\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGid:\t" + (uid + 1)
                        + "\t0\t0\t0\n");
        Files.write(dir.resolve("cmdline"), cmdline.getBytes(StandardCharsets.UTF_8));
        if (!exe.isEmpty()) {
            Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
        }
    }

    private static SensorRecord.Header header(int pid, int ppid, String comm) {
        return new SensorRecord.Header(pid, pid, ppid, 1000, 1000, 1L, 2L, comm);
    }

    @Test
    void readsProcAndKeepsUpWithForksExecsAndExits(@TempDir Path proc) throws IOException {
        process(proc, 1, 0, "systemd", "/usr/lib/systemd/systemd", "/sbin/init\0splash\0", 0);
        process(proc, 100, 1, "sshd", "/usr/sbin/sshd", "sshd: dev [priv]\0", 0);
        process(proc, 200, 100, "my (odd) shell", "/usr/bin/bash", "-bash\0", 1000);
        Path shellDir = proc.resolve("200");
        Files.writeString(shellDir.resolve("stat"), "200 (my (odd) shell) S 100 200 200 34816 -1\n");
        Files.writeString(
                shellDir.resolve("status"),
                Files.readString(shellDir.resolve("status"))
                        + "CapPrm:\t00000000003fffff\nCapEff:\t00000000001fffff\n");
        Files.writeString(shellDir.resolve("loginuid"), "1000\n");
        Files.write(
                shellDir.resolve("environ"),
                "HOME=/home/dev\0TOKEN=s3cr3t\0LD_PRELOAD=/tmp/x.so\0".getBytes(StandardCharsets.UTF_8));
        process(proc, 2, 0, "kthreadd", "", "", 0);
        Files.createDirectories(proc.resolve("self"));
        Files.createDirectories(proc.resolve("300x"));
        Files.createDirectories(proc.resolve("400")); // gone while read: no files
        ProcessCache cache = ProcessCache.fromProc(proc);

        assertThat(cache.snapshot()).containsOnlyKeys(1, 2, 100, 200);
        ProcessCache.CachedProcess shell = cache.get(200);
        assertThat(shell)
                .usingRecursiveComparison()
                .ignoringFields("details")
                .isEqualTo(new ProcessCache.CachedProcess(
                        200, 100, "/usr/bin/bash", List.of("-bash"), "my (odd) shell", 1000, 1001));
        // status's effective and file-system ids, capability sets, loginuid, the terminal of stat's tty_nr (136:0 is
        // pts0), the environment's names (values only for the few that are kept)
        assertThat(shell.details().credentials())
                .isEqualTo(new SensorRecord.Credentials(1000, 0, 1000, 0, 0x1fffffL, 0x3fffffL, 1000));
        assertThat(shell.details().tty()).isEqualTo("pts0");
        assertThat(shell.details().envs()).containsExactly("HOME", "TOKEN", "LD_PRELOAD=/tmp/x.so");
        assertThat(cache.get(100).details().tty()).as("no terminal").isEmpty();
        assertThat(cache.get(100).details().credentials().auid())
                .as("no loginuid: unset")
                .isEqualTo(SensorRecord.Credentials.AUID_UNSET);
        assertThat(shell.name()).isEqualTo("bash");
        assertThat(cache.get(2).name()).as("a kernel thread: no executable").isEqualTo("kthreadd");
        assertThat(cache.ancestors(200))
                .extracting(ProcessCache.CachedProcess::name)
                .containsExactly("sshd", "systemd");

        cache.apply(new SensorRecord.Fork(header(200, 100, "bash"), 201));
        assertThat(cache.get(201))
                .extracting(ProcessCache.CachedProcess::path, ProcessCache.CachedProcess::ppid)
                .containsExactly("/usr/bin/bash", 200);
        cache.apply(new SensorRecord.Exec(header(201, 200, "curl"), "/usr/bin/curl", List.of("curl", "-s", "x")));
        assertThat(cache.get(201).argv()).containsExactly("curl", "-s", "x");
        assertThat(cache.ancestors(201))
                .extracting(ProcessCache.CachedProcess::pid)
                .containsExactly(200, 100, 1);
        cache.apply(new SensorRecord.Exit(header(201, 200, "curl"), 0));
        assertThat(cache.get(201)).isNull();
    }

    /** The kernel's resolution of the executed file, when the record has it, is the process's path as is. */
    @Test
    void anExecsResolvedPathIsThePath(@TempDir Path proc) throws IOException {
        ProcessCache cache = ProcessCache.fromProc(proc);
        cache.apply(new SensorRecord.Exec(
                header(300, 1, "tool"), "/opt/links/tool", List.of("tool"), "", "", "/opt/releases/7/tool"));
        assertThat(cache.get(300).path()).isEqualTo("/opt/releases/7/tool");
        cache.apply(new SensorRecord.Exec(header(301, 1, "gone"), "/opt/links/gone", List.of("gone"), "", "", ""));
        assertThat(cache.get(301).path()).as("none: the path as given").isEqualTo("/opt/links/gone");
    }

    @Test
    void aProcessSeenBeforeTheCacheIsReadOrMadeFromTheRecord(@TempDir Path proc) throws IOException {
        ProcessCache cache = ProcessCache.fromProc(proc);
        process(proc, 50, 1, "late", "/opt/late", "late\0", 0);
        cache.apply(new SensorRecord.Open(header(50, 1, "late"), -100, 0, 0, "/etc/hosts"));
        assertThat(cache.get(50).path()).isEqualTo("/opt/late");
        cache.apply(new SensorRecord.Open(header(60, 1, "ghost"), -100, 0, 0, "/etc/hosts"));
        assertThat(cache.get(60)).isEqualTo(new ProcessCache.CachedProcess(60, 1, "", List.of(), "ghost", 1000, 1000));
    }

    @Test
    void ancestorsStopAtACycleOrAGap(@TempDir Path proc) throws IOException {
        process(proc, 5, 6, "a", "/a", "a\0", 0);
        process(proc, 6, 5, "b", "/b", "b\0", 0);
        process(proc, 7, 99, "c", "/c", "c\0", 0);
        ProcessCache cache = ProcessCache.fromProc(proc);
        assertThat(cache.ancestors(5))
                .extracting(ProcessCache.CachedProcess::pid)
                .containsExactly(6);
        assertThat(cache.ancestors(7)).isEmpty();
    }

    @Test
    void workingDirectoriesFollowChdirAndForkAfterTheProcessesAreGone(@org.junit.jupiter.api.io.TempDir Path proc) {
        ProcessCache cache = ProcessCache.fromProc(proc);
        long[] noArgs = new long[6];
        cache.apply(new SensorRecord.Syscall(header(449, 1, "dash"), 80, noArgs, "/srv/files", "", "", 0));
        assertThat(cache.cwd(449)).isEqualTo("/srv/files");
        cache.apply(new SensorRecord.Syscall(header(449, 1, "dash"), 80, noArgs, "sub/../other", "", "", 0));
        assertThat(cache.cwd(449)).isEqualTo("/srv/files/other");
        cache.apply(new SensorRecord.Fork(header(449, 1, "dash"), 451));
        cache.apply(new SensorRecord.Exec(header(451, 449, "chmod"), "/usr/bin/chmod", java.util.List.of("chmod")));
        assertThat(cache.cwd(451)).as("inherited at fork, kept at exec").isEqualTo("/srv/files/other");
        cache.apply(new SensorRecord.Exit(header(451, 449, "chmod"), 0));
        assertThat(cache.cwd(451)).as("forgotten at exit").isEmpty();
    }
}
