package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerClockTest {
    private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static void cgroupFile(Path proc, int pid, String text) throws Exception {
        Files.writeString(
                Files.createDirectories(proc.resolve(Integer.toString(pid))).resolve("cgroup"), text);
    }

    private static long made(Path dir, Instant at) throws Exception {
        Files.createDirectories(dir);
        Files.setLastModifiedTime(dir, FileTime.from(at));
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    /** The cgroup directory's time, on the unified hierarchy (at the root or under unified/) or a v1 controller's. */
    @Test
    void aContainersStartIsItsCgroupDirectorysTime(@TempDir Path proc, @TempDir Path cgroups) throws Exception {
        ContainerClock clock = new ContainerClock(proc, cgroups);
        Instant at = Instant.parse("2026-12-07T10:00:00.123456789Z");
        long v2 = made(cgroups.resolve("system.slice/docker-" + ID + ".scope"), at);
        cgroupFile(proc, 10, "0::/system.slice/docker-" + ID + ".scope\n");
        assertThat(clock.createdAt(ID, 10)).isEqualTo(v2);

        String hybrid = ID.replace('0', '1');
        long unified = made(cgroups.resolve("unified/system.slice/docker-" + hybrid + ".scope"), at.plusSeconds(1));
        cgroupFile(proc, 11, "12:pids:/elsewhere\n0::/system.slice/docker-" + hybrid + ".scope\n");
        assertThat(clock.createdAt(hybrid, 11)).isEqualTo(unified);

        String v1 = ID.replace('0', '2');
        long pids = made(cgroups.resolve("pids/docker/" + v1), at.plusSeconds(2));
        cgroupFile(proc, 12, "5:pids:/docker/" + v1 + "\n1:name=systemd:/docker/" + v1 + "\n");
        assertThat(clock.createdAt(v1, 12)).isEqualTo(pids);
    }

    /** An exec record's cgroup names tell it too, when its process is already gone. */
    @Test
    void anExecRecordsCgroupNamesTellItWithoutTheProcess(@TempDir Path proc, @TempDir Path cgroups) throws Exception {
        ContainerClock clock = new ContainerClock(proc, cgroups);
        long v1 = made(cgroups.resolve("pids/docker/" + ID), Instant.parse("2026-12-07T10:00:00Z"));
        clock.seen(ID, "/system.slice/elsewhere.scope", "/docker/" + ID);
        assertThat(clock.createdAt(ID, 99)).isEqualTo(v1);
        String other = ID.replace('a', 'c');
        long v2 =
                made(cgroups.resolve("system.slice/docker-" + other + ".scope"), Instant.parse("2026-12-07T11:00:00Z"));
        clock.seen(other, "/system.slice/docker-" + other + ".scope", "");
        assertThat(clock.createdAt(other, 99)).isEqualTo(v2);
    }

    /** Found once: the process may be gone later; not found, 0, and asked again only after a while. */
    @Test
    void rememberedOnceFoundAndUnknownWhenNotFound(@TempDir Path proc, @TempDir Path cgroups) throws Exception {
        ContainerClock clock = new ContainerClock(proc, cgroups);
        long at = made(cgroups.resolve("docker-" + ID + ".scope"), Instant.parse("2026-12-07T10:00:00Z"));
        cgroupFile(proc, 20, "0::/docker-" + ID + ".scope\n");
        assertThat(clock.createdAt(ID, 20)).isEqualTo(at);
        Files.delete(proc.resolve("20/cgroup"));
        assertThat(clock.createdAt(ID, 20)).as("remembered").isEqualTo(at);

        String other = ID.replace('a', 'b');
        assertThat(clock.createdAt(other, 21)).as("no such process").isZero();
        cgroupFile(proc, 22, "0::/../../etc/" + other + "\n");
        assertThat(clock.createdAt(other, 22))
                .as("a path out of the hierarchy is not followed")
                .isZero();
    }
}
