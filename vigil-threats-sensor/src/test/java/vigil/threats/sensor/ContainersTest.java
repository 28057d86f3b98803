package vigil.threats.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cgroup paths each runtime writes, as Datadog's agent and Falco read them. */
class ContainersTest {
    private static final String ID = "3f9a0c2b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c";

    @Test
    void readsEachRuntimesCgroupPath() {
        assertThat(Containers.parse("12:memory:/docker/" + ID + "\n0::/\n"))
                .isEqualTo(new Containers.Container(ID, "docker"));
        assertThat(Containers.parse("0::/system.slice/docker-" + ID + ".scope\n"))
                .isEqualTo(new Containers.Container(ID, "docker"));
        assertThat(Containers.parse("0::/system.slice/containerd.service/kubepods-besteffort-pod1.slice:cri-containerd:"
                        + ID + "\n"))
                .isEqualTo(new Containers.Container(ID, "containerd"));
        assertThat(Containers.parse("0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-" + ID + ".scope\n"))
                .isEqualTo(new Containers.Container(ID, "containerd"));
        assertThat(Containers.parse("0::/kubepods.slice/crio-" + ID + ".scope\n"))
                .isEqualTo(new Containers.Container(ID, "cri-o"));
        assertThat(Containers.parse("0::/machine.slice/libpod-" + ID + ".scope/container\n"))
                .isEqualTo(new Containers.Container(ID, "podman"));
        assertThat(Containers.parse("4:memory:/kubepods/besteffort/pod12/" + ID + "\n"))
                .isEqualTo(new Containers.Container(ID, "cri"));
    }

    @Test
    void aHostProcessIsInNoContainer() {
        assertThat(Containers.parse("0::/user.slice/user-0.slice/session-1.scope\n"))
                .isNull();
        assertThat(Containers.parse("0::/\n")).isNull();
        // 63 hex digits is no container id
        assertThat(Containers.parse("0::/docker/" + ID.substring(1) + "\n")).isNull();
        assertThat(Containers.parse("")).isNull();
    }

    @Test
    void theProcessCacheKnowsThisProcessIsOnTheHost() {
        ProcessCache cache = ProcessCache.fromProc(java.nio.file.Path.of("/proc"));
        // the test runs on the host (CI too): no container; a pid that does not exist has none either
        assertThat(cache.container((int) ProcessHandle.current().pid())).isNull();
        assertThat(cache.container(Integer.MAX_VALUE)).isNull();
    }
}
