package vigil.posture.checks.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import vigil.posture.checks.BuiltInRules;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;
import vigil.posture.model.Resource;
import vigil.posture.model.ResourceSet;

class DockerHostTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What {@code docker inspect} says of a container run with --privileged and a few other options. */
    private static final String PRIVILEGED = """
            {"Id": "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c", "Name": "/root-shell",
             "AppArmorProfile": "unconfined",
             "State": {"Running": true},
             "Config": {"Image": "debian:12", "User": "", "Healthcheck": {"Test": ["NONE"]}},
             "HostConfig": {"Privileged": true, "CapAdd": ["CAP_NET_ADMIN"], "CapDrop": null, "NetworkMode": "default",
               "PidMode": "", "IpcMode": "private", "UTSMode": "", "UsernsMode": "host", "Memory": 0, "NanoCpus": 0,
               "CpuShares": 0, "PidsLimit": null, "ReadonlyRootfs": false,
               "SecurityOpt": ["label=disable", "seccomp:unconfined"],
               "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0},
               "Devices": [{"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"}],
               "CgroupParent": "/custom", "PortBindings": {"22/tcp": [{"HostIp": "", "HostPort": "2222"}]}},
             "Mounts": [{"Type": "bind", "Source": "/", "Destination": "/host", "RW": false, "Propagation": "rshared"}]}
            """;

    @Test
    void inspectDataIsNormalizedForTheRules() throws Exception {
        Resource container = DockerHost.container(JSON.readTree(PRIVILEGED));
        assertThat(container.name()).isEqualTo("root-shell");
        assertThat(container.attributes())
                .containsEntry("privileged", true)
                .containsEntry("cap_add", List.of("NET_ADMIN"))
                .containsEntry("seccomp_unconfined", true)
                .containsEntry("pids_limit", 0L)
                .containsEntry("healthcheck", false)
                .containsEntry("devices", List.of("/dev/fuse"));
    }

    @Test
    void aPrivilegedContainerFailsThePrivilegedRuleAndTheOthersItBreaks() throws Exception {
        var read = BuiltInRules.load(List.of());
        PostureEngine engine = PostureEngine.compile(read.rules()).engine();
        Resource daemon =
                new Resource("docker_daemon", "h:docker", "dockerd", Map.of("apparmor", true, "settings", Map.of()));
        Resource container = DockerHost.container(JSON.readTree(PRIVILEGED)).relate("daemon", "h:docker");
        Map<String, Status> verdicts = new java.util.TreeMap<>();
        for (Result result : engine.evaluate(ResourceSet.of(List.of(daemon, container)))) {
            if (result.resource().type().equals("docker_container")) {
                verdicts.put(result.rule().id().replace("vigil-docker-container-", ""), result.status());
            }
        }
        assertThat(verdicts)
                .containsEntry("privileged", Status.FAIL)
                .containsEntry("apparmor", Status.FAIL)
                .containsEntry("capabilities", Status.FAIL)
                .containsEntry("seccomp", Status.FAIL)
                .containsEntry("host-userns", Status.FAIL)
                .containsEntry("host-devices", Status.FAIL)
                .containsEntry("cgroup-parent", Status.FAIL)
                .containsEntry("sensitive-mounts", Status.FAIL)
                .containsEntry("mount-propagation", Status.FAIL)
                .containsEntry("restart-policy", Status.FAIL)
                .containsEntry("bind-address", Status.FAIL)
                .containsEntry("privileged-ports", Status.PASS)
                .doesNotContainValue(Status.ERROR);
    }

    @Test
    void anImagesHistoryIsReadOldestStepFirst() throws Exception {
        Resource image = DockerHost.image(JSON.readTree("""
                        {"Id": "sha256:%s", "RepoTags": ["app:1"], "Config": {"User": "",
                         "Healthcheck": {"Test": ["CMD", "/bin/true"]}}}
                        """.formatted("b".repeat(64))), JSON.readTree("""
                        [{"CreatedBy": "/bin/sh -c apt-get install -y curl"}, {"CreatedBy": "/bin/sh -c apt-get update"},
                         {"CreatedBy": ""}]
                        """));
        assertThat(image.name()).isEqualTo("app:1");
        assertThat(image.attributes())
                .containsEntry("healthcheck", true)
                .containsEntry("history", List.of("/bin/sh -c apt-get update", "/bin/sh -c apt-get install -y curl"));
    }

    @Test
    void aFlagWinsOverDaemonJson() {
        Map<String, Object> settings = DockerHost.settings(
                Map.of("icc", true, "live-restore", true, "hosts", List.of("unix:///var/run/docker.sock")),
                Map.of("icc", List.of("false"), "H", List.of("tcp://0.0.0.0:2375", "fd://")));
        assertThat(settings)
                .containsEntry("icc", "false")
                .containsEntry("live-restore", "true")
                .containsEntry("hosts", List.of("tcp://0.0.0.0:2375", "fd://"));
    }
}
