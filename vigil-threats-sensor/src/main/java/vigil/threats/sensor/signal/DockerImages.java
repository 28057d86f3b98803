package vigil.threats.sensor.signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import vigil.agent.docker.DockerEngine;

/**
 * A container's image, asked of the Docker Engine over its Unix socket ({@code GET /containers/ID/json}, the image
 * as the container was created from it: {@code Config.Image}), as Datadog's agent and Falco enrich events. Asked only
 * when a signal is made, answered from a bounded cache after that; an answer bigger than 1 MiB, a slow daemon (the
 * socket's read is bounded by the answer's size, the connect by the socket being local) or no daemon at all gives no
 * image, never an error. Kubernetes containers of containerd and CRI-O: {@link BundleImages}.
 */
public final class DockerImages implements SignalMaker.Images {
    static final int MAX_ANSWER = 1 << 20;
    /** The most one question may take: it is asked on the sensor's thread, when a signal is made. */
    static final long TIMEOUT_NANOS = 500_000_000L;

    private final DockerEngine engine;
    /** A daemon's "no such container" or silence is remembered too: asking again would cost the timeout again. */
    private final ImageMemo memo = new ImageMemo(true);

    public DockerImages(Path socket) {
        this.engine = new DockerEngine(socket, java.time.Duration.ofNanos(TIMEOUT_NANOS), MAX_ANSWER);
    }

    /** Docker's socket on this host ({@code /var/run/docker.sock}). */
    public static DockerImages local() {
        return new DockerImages(Path.of("/var/run/docker.sock"));
    }

    @Override
    public @Nullable String image(String containerId) {
        return memo.image(containerId, this::ask);
    }

    private @Nullable String ask(String containerId) {
        if (!Files.exists(engine.socket())) {
            return null;
        }
        try {
            JsonNode image = engine.get("/containers/" + containerId + "/json")
                    .path("Config")
                    .path("Image");
            return image.isString() && !image.asString().isEmpty() ? image.asString() : null;
        } catch (IOException e) {
            return null; // no such container (404), a daemon that does not answer in time: no image, the sensor goes on
        }
    }
}
