package vigil.threats.sensor.signal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kubernetes container's image, read from the OCI bundle its runtime wrote on the host: containerd's CRI plugin
 * and CRI-O both put the image the kubelet asked for into the bundle's {@code config.json} as an annotation
 * ({@code io.kubernetes.cri.image-name}, {@code io.kubernetes.cri-o.ImageName}), so no gRPC call to the runtime is
 * needed (ADR 0047). Bundles: containerd's {@code RUN/containerd/io.containerd.runtime.v2.task/NAMESPACE/ID/} and
 * CRI-O's {@code RUN/containers/storage/overlay-containers/ID/userdata/}. A bundle larger than 4 MiB, unreadable,
 * malformed or without the annotation gives no image, never an error; answers are cached (bounded).
 */
public final class BundleImages implements SignalMaker.Images {
    static final long MAX_CONFIG = 4L << 20;
    static final String CONTAINERD_ANNOTATION = "io.kubernetes.cri.image-name";
    static final String CRIO_ANNOTATION = "io.kubernetes.cri-o.ImageName";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path run;
    /** A bundle appears when its container starts: a miss is asked again. */
    private final ImageMemo memo = new ImageMemo(false);

    /** @param run the host's runtime state directory, normally {@code /run} */
    public BundleImages(Path run) {
        this.run = run;
    }

    public static BundleImages local() {
        return new BundleImages(Path.of("/run"));
    }

    @Override
    public @Nullable String image(String containerId) {
        return memo.image(containerId, this::find);
    }

    private @Nullable String find(String id) {
        Path crio =
                run.resolve("containers/storage/overlay-containers").resolve(id).resolve("userdata/config.json");
        String image = annotation(crio, CRIO_ANNOTATION);
        if (image != null) {
            return image;
        }
        Path tasks = run.resolve("containerd/io.containerd.runtime.v2.task");
        for (Path namespace : namespaces(tasks)) {
            image = annotation(namespace.resolve(id).resolve("config.json"), CONTAINERD_ANNOTATION);
            if (image != null) {
                return image;
            }
        }
        return null;
    }

    /** containerd's namespaces (k8s.io for the kubelet's containers, moby for Docker's, default for ctr's). */
    private static List<Path> namespaces(Path tasks) {
        if (!Files.isDirectory(tasks, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
            List<Path> found = new ArrayList<>();
            for (Path entry : entries) {
                if (found.size() < 64 && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(entry);
                }
            }
            return found;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The annotation's value in a bundle's config.json, or null; a symbolic link is not followed. */
    static @Nullable String annotation(Path config, String key) {
        try {
            if (!Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS) || Files.size(config) > MAX_CONFIG) {
                return null;
            }
            JsonNode spec;
            try (InputStream in = Files.newInputStream(config, LinkOption.NOFOLLOW_LINKS)) {
                spec = JSON.readTree(in.readNBytes((int) MAX_CONFIG));
            }
            JsonNode value = spec.path("annotations").path(key);
            return value.isString() && !value.asString().isBlank() ? value.asString() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
