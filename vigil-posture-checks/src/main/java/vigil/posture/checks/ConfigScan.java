package vigil.posture.checks;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import vigil.inventory.RootFs;
import vigil.posture.checks.host.LinuxHost;
import vigil.posture.engine.PostureEngine;
import vigil.posture.engine.Result;
import vigil.posture.engine.Status;
import vigil.posture.model.ResourceSet;

/** Runs posture rules on what a target's resolvers read: {@code vigil scan config host} and the agent. */
public final class ConfigScan {
    private ConfigScan() {}

    /**
     * What a scan found.
     *
     * @param target what was scanned, for people ("host web-1 /")
     * @param results every rule's verdict on every resource of its types
     * @param notes what could not be read, each naming the file and why
     */
    public record Report(String target, List<Result> results, List<String> notes) {
        public Report {
            requireNonNull(target, "target is null");
            results = List.copyOf(results);
            notes = List.copyOf(notes);
        }

        public long count(Status status) {
            return results.stream().filter(result -> result.status() == status).count();
        }
    }

    /**
     * Docker on a host (CIS Docker): the daemon behind {@code engine}, its running containers and its files in
     * {@code root}; {@code proc} finds dockerd's flags. A daemon that does not answer is a note, not a clean result.
     */
    public static Report docker(
            PostureEngine engine,
            vigil.agent.docker.DockerEngine docker,
            RootFs root,
            @Nullable Path proc,
            String host) {
        Resolved read = vigil.posture.checks.docker.DockerHost.read(docker, root, proc, host);
        ResourceSet set = ResourceSet.of(read.resources());
        return new Report("Docker on " + host + " (" + docker.socket() + ")", engine.evaluate(set), read.notes());
    }

    /** A Linux host or root filesystem; {@code proc} is the live host's /proc, or null for a root on disk. */
    public static Report host(PostureEngine engine, RootFs root, @Nullable Path proc, String host) {
        Resolved read = LinuxHost.read(root, proc, host);
        ResourceSet set = ResourceSet.of(read.resources());
        return new Report("host " + host + " (" + root.describe() + ")", engine.evaluate(set), read.notes());
    }
}
